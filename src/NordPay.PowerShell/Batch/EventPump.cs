using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace NordPay.Batch
{
    /// <summary>
    /// Runs work on other threads while the pipeline thread, which alone may write to PowerShell's streams, writes what
    /// the work reports as it comes.
    /// </summary>
    /// <remarks>
    /// No side waits for what cannot come. The work's reports end (CompleteAdding) when the work ends, however it ends,
    /// so the pipeline thread's waits (<see cref="WriteNext"/>, <see cref="WriteUntilDone"/>) return. When the pipeline
    /// thread leaves first (a terminating error, a command downstream that stopped the pipeline), <see cref="Dispose"/>
    /// tells the work to stop taking new rows through the token it was started with, waits for the calls in flight to be
    /// answered (each has its own timeout), and hands what they reported to the caller's account, so nothing is lost.
    /// </remarks>
    internal sealed class EventPump<T> : IDisposable
    {
        private readonly BlockingCollection<T> _events = new BlockingCollection<T>();
        private readonly CancellationTokenSource _leaving = new CancellationTokenSource();
        private readonly Task _work;
        private readonly Action<T> _write;
        private readonly Action<T> _account;

        /// <param name="start">Starts the work; it reports through the action and stops taking rows when the token is cancelled.</param>
        /// <param name="write">Writes a report to PowerShell's streams, on the pipeline thread.</param>
        /// <param name="account">Records a report nobody will write (the pipeline thread left), without PowerShell.</param>
        public EventPump(Func<Action<T>, CancellationToken, Task> start, Action<T> write, Action<T> account)
        {
            _write = write;
            _account = account;
            var leaving = _leaving.Token;
            _work = Task.Run(async () =>
            {
                try
                {
                    await start(_events.Add, leaving).ConfigureAwait(false);
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

        /// <summary>Waits for the next report and writes it; false once the work has ended. Ctrl+C (<paramref name="stopping"/>) throws OperationCanceledException.</summary>
        public bool WriteNext(CancellationToken stopping)
        {
            // Returns false when the work ends with nothing more to report: the wait cannot outlive the work.
            if (!_events.TryTake(out var e, Timeout.Infinite, stopping)) return false;
            _write(e);
            return true;
        }

        /// <summary>Writes everything reported until the work ends, then surfaces its failure (Ctrl+C's OperationCanceledException among them).</summary>
        public void WriteUntilDone()
        {
            // Ends when the work ends, Ctrl+C's included: its reports are completed in the work's finally.
            foreach (var e in _events.GetConsumingEnumerable()) _write(e);
            _work.GetAwaiter().GetResult();
        }

        /// <summary>
        /// Ends the work before the caller goes on (it closes the journal next): a work still running is told to stop
        /// taking rows and waited for, and whatever it reported that was not written goes to the account. A failure of the
        /// work here is not thrown: the pipeline thread is already leaving with its own.
        /// </summary>
        public void Dispose()
        {
            _leaving.Cancel();
            try
            {
                _work.Wait();
            }
            catch (AggregateException)
            {
            }
            while (_events.TryTake(out var e)) _account(e);
            _leaving.Dispose();
        }
    }
}
