using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace NordPay.Pipeline
{
    /// <summary>
    /// Runs work on other threads while the pipeline thread, which alone may write to PowerShell's streams, writes what
    /// the work reports as it comes.
    /// </summary>
    internal sealed class EventPump<T>
    {
        private readonly BlockingCollection<T> _events = new BlockingCollection<T>();
        private readonly Task _work;
        private readonly Action<T> _write;

        public EventPump(Func<Action<T>, Task> start, Action<T> write)
        {
            _write = write;
            _work = Task.Run(async () =>
            {
                try
                {
                    await start(_events.Add).ConfigureAwait(false);
                }
                finally
                {
                    _events.CompleteAdding();
                }
            });
        }

        /// <summary>True once the work has ended (done, or stopped by a failure <see cref="WriteUntilDone"/> surfaces).</summary>
        public bool Ended => _work.IsCompleted;

        /// <summary>Writes what was reported so far, without waiting.</summary>
        public void WriteAvailable()
        {
            while (_events.TryTake(out var e)) _write(e);
        }

        /// <summary>Waits for the next report and writes it; false once the work has ended. Ctrl+C stops the pipeline.</summary>
        public bool WriteNext(CancellationToken stopping)
        {
            try
            {
                if (!_events.TryTake(out var e, Timeout.Infinite, stopping)) return false;
                _write(e);
                return true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Writes everything reported until the work ends, then surfaces its failure; Ctrl+C stops the pipeline.</summary>
        public void WriteUntilDone(CancellationToken stopping)
        {
            try
            {
                foreach (var e in _events.GetConsumingEnumerable()) _write(e);
                _work.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
