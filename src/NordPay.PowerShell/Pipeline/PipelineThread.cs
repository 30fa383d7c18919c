using System;
using System.Threading;

namespace NordPay.Pipeline
{
    /// <summary>
    /// The thread a cmdlet's pipeline runs on, the only one that may touch PowerShell: its session state (variables,
    /// preferences, paths), its streams, ShouldProcess and the host are not thread-safe. A worker that reaches them
    /// races the pipeline thread, and a script block downstream (Where-Object, ForEach-Object) changing session state
    /// at that moment breaks the run. The guard turns such a race, which strikes once in thousands of rows, into an
    /// error on the first call, and counts it so a test fails even where the error is caught.
    /// </summary>
    internal sealed class PipelineThread
    {
        private static int _violations;
        private readonly int _id = Environment.CurrentManagedThreadId;

        /// <summary>How many times this process reached PowerShell off a pipeline thread.</summary>
        public static int Violations => Volatile.Read(ref _violations);

        /// <summary>Throws unless the caller is on the pipeline thread.</summary>
        public void Check(string api)
        {
            if (Environment.CurrentManagedThreadId == _id) return;
            Interlocked.Increment(ref _violations);
            throw new InvalidOperationException(
                $"NordPay reached PowerShell's {api} from thread {Environment.CurrentManagedThreadId}, not its pipeline thread {_id}: "
                + "PowerShell's session state, streams and host may be used on the pipeline thread only.");
        }
    }
}
