using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace NordPay.Api
{
    /// <summary>
    /// Paces one merchant's calls for every worker and every call of a session together, so that a batch slows down as
    /// one when NordPay limits its rate, rather than each worker retrying on its own. A 429 with a Retry-After holds back
    /// every call until it has passed, not only the call it answered; from then on calls are spaced under a ceiling
    /// learned from the answers: the calls NordPay accepted that were sent in the second before the call it refused
    /// (it refused that call because those filled its window). A later 429 lowers the ceiling to such a count, by a tenth
    /// at most (a count cut short by a stall is not taken for the limit), and never raises it. Calls go at 97% of the
    /// ceiling, 99% ten seconds after the 429, and after a minute without another 1% more each minute, to find a limit
    /// NordPay raised: each 429 costs every worker its Retry-After, so the margin is small. Until such a 429 comes,
    /// calls are not spaced at all. A 429 without a Retry-After, or with 0, tells nothing about time: only the call it
    /// answered backs off.
    /// </summary>
    internal sealed class CallPacer
    {
        private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
        // NordPay counts calls as they arrive; a call's trip there varies by some milliseconds.
        private static readonly TimeSpan TripVariation = TimeSpan.FromMilliseconds(50);
        private static readonly Stopwatch Monotonic = Stopwatch.StartNew();

        private readonly Func<TimeSpan> _now;
        private readonly object _gate = new object();
        // When the calls NordPay accepted lately were sent.
        private readonly Queue<TimeSpan> _accepted = new Queue<TimeSpan>();
        // No call is sent before this: the latest Retry-After.
        private TimeSpan _resumeAt;
        // When the rate was last cut; a 429 to a call sent by then is about the rate already cut.
        private TimeSpan _cutAt = TimeSpan.MinValue;
        // When the call whose 429 cut the rate was sent: the calls accepted in the second before it filled NordPay's window.
        private TimeSpan _refusedSentAt;
        // Calls accepted in the second before the refused call; 0 until a cut: calls are not spaced.
        private double _counted;
        // The ceiling before the last cut; none before the first.
        private double _ceilingBefore = double.PositiveInfinity;
        // The earliest the next call may be sent while calls are spaced.
        private TimeSpan _nextTurn;
        private int _pauses;

        public CallPacer()
            : this(() => Monotonic.Elapsed)
        {
        }

        /// <param name="now">A clock that only moves forward (tests move it by hand).</param>
        internal CallPacer(Func<TimeSpan> now) => _now = now;

        /// <summary>The pacer's clock: when a call is sent, as <see cref="Accepted"/> and <see cref="Limited"/> take it.</summary>
        public TimeSpan Now => _now();

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
                if (_counted > 0)
                {
                    if (_nextTurn > at) at = _nextTurn;
                    _nextTurn = at + TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / Rate(at)));
                }
                sendAt = at;
                return at - now;
            }
        }

        private double Ceiling =>
            double.IsPositiveInfinity(_ceilingBefore) ? _counted : Math.Min(_ceilingBefore, Math.Max(_counted, 0.9 * _ceilingBefore));

        // Calls per second while spaced, at an instant.
        private double Rate(TimeSpan at)
        {
            var sinceCut = (at - _cutAt).TotalSeconds;
            return Ceiling * (Math.Min(0.99, 0.97 + 0.002 * sinceCut) + 0.01 * Math.Max(0, sinceCut - 60) / 60);
        }

        // Sent in the second before the refused call, as NordPay counted it.
        private bool CountedBeforeRefused(TimeSpan sentAt) => sentAt <= _refusedSentAt && sentAt > _refusedSentAt - Second - TripVariation;

        /// <summary>NordPay answered a call sent at <paramref name="sentAt"/> with anything but 429.</summary>
        public void Accepted(TimeSpan sentAt)
        {
            lock (_gate)
            {
                // Answered after the cut, counted by NordPay before the refused call: answers of calls sent at once come
                // back in any order, some after the 429 that cut the rate.
                if (_counted > 0 && CountedBeforeRefused(sentAt)) _counted++;
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
                if (_counted > 0) _ceilingBefore = Math.Max(Ceiling, Rate(now));
                _refusedSentAt = sentAt;
                _counted = Math.Max(1, _accepted.Count(CountedBeforeRefused));
                _cutAt = now;
                _nextTurn = _resumeAt;
                _pauses++;
            }
        }
    }
}
