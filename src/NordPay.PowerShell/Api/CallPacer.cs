using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace NordPay.Api
{
    /// <summary>
    /// Paces one merchant's calls for every worker and every call of a session together, so that a batch slows down as
    /// one when NordPay limits its rate, rather than each worker retrying on its own. A 429 with a Retry-After holds back
    /// every call until it has passed, not only the call it answered; from then on calls are spaced at a rate learned
    /// from the answers: 90% of the calls sent in the second before that 429 that NordPay accepted, raised by 1% of it
    /// for each second without another, cut again by the next one. Until such a 429 comes, calls are not spaced at all. A 429
    /// without a Retry-After, or with 0, tells nothing about time: only the call it answered backs off.
    /// </summary>
    internal sealed class CallPacer
    {
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
        private static readonly Stopwatch Monotonic = Stopwatch.StartNew();

        private readonly Func<TimeSpan> _now;
        private readonly object _gate = new object();
        // When the calls NordPay accepted lately were sent.
        private readonly Queue<TimeSpan> _accepted = new Queue<TimeSpan>();
        // No call is sent before this: the latest Retry-After.
        private TimeSpan _resumeAt;
        // When the rate was last cut; a 429 to a call sent by then is about the rate already cut.
        private TimeSpan _cutAt = TimeSpan.MinValue;
        // Calls sent in the second before the last cut that NordPay accepted; 0 until a cut: calls are not spaced.
        private double _ceiling;
        // The earliest the next call may be sent while calls are spaced.
        private TimeSpan _nextTurn;
        private int _pauses;

        public CallPacer()
            : this(() => Monotonic.Elapsed)
        {
        }

        /// <param name="now">A clock that only moves forward (tests move it by hand).</param>
        internal CallPacer(Func<TimeSpan> now) => _now = now;

        /// <summary>How many times the rate was cut: a turn taken before the latest cut is void, the turns start again after its pause.</summary>
        public int Pauses
        {
            get { lock (_gate) return _pauses; }
        }

        /// <summary>Takes the next turn to send a call: how long to wait before sending it, and when it will be sent.</summary>
        public TimeSpan NextTurn(out TimeSpan sendAt)
        {
            lock (_gate)
            {
                var now = _now();
                var at = now > _resumeAt ? now : _resumeAt;
                if (_ceiling > 0)
                {
                    if (_nextTurn > at) at = _nextTurn;
                    _nextTurn = at + TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / Rate(at)));
                }
                sendAt = at;
                return at - now;
            }
        }

        // Calls per second while spaced, at an instant.
        private double Rate(TimeSpan at) => _ceiling * (0.9 + 0.01 * (at - _cutAt).TotalSeconds);

        /// <summary>NordPay answered a call sent at <paramref name="sentAt"/> with anything but 429.</summary>
        public void Accepted(TimeSpan sentAt)
        {
            lock (_gate)
            {
                // Answered after the cut, sent in the second before it: NordPay counted it there too (answers of calls
                // sent at once come back in any order, some after the 429 that cut the rate).
                if (_ceiling > 0 && sentAt <= _cutAt && sentAt > _cutAt - Second) _ceiling++;
                // A call answered slowly may have been sent before anything the pacer still remembers.
                var forgotten = _now() - Second - Second;
                if (sentAt >= forgotten) _accepted.Enqueue(sentAt);
                while (_accepted.Count > 0 && _accepted.Peek() < forgotten) _accepted.Dequeue();
            }
        }

        /// <summary>NordPay answered 429 to a call sent at <paramref name="sentAt"/>, with this Retry-After (null when it gave none).</summary>
        public void Limited(TimeSpan sentAt, TimeSpan? retryAfter)
        {
            if (retryAfter is not { } wait || wait <= TimeSpan.Zero) return;
            lock (_gate)
            {
                var now = _now();
                if (now + wait > _resumeAt) _resumeAt = now + wait;
                if (sentAt <= _cutAt) return;
                _ceiling = Math.Max(1, _accepted.Count(sent => sent > now - Second));
                _cutAt = now;
                _nextTurn = _resumeAt;
                _pauses++;
            }
        }
    }
}
