using System;

namespace NordPay.Api
{
    /// <summary>
    /// NordPay's clock as its answers show it (the Date header), so that a withdrawal in the history can be placed in
    /// time against the calls that may have made it. Date has whole seconds, so each answer bounds the offset
    /// (server minus local) from both sides: Date - received &lt;= offset &lt; Date + 1 s - sent. The bounds only tighten.
    /// </summary>
    internal sealed class ServerClock
    {
        private readonly object _gate = new object();
        private TimeSpan _low = TimeSpan.MinValue;
        private TimeSpan _high = TimeSpan.MaxValue;

        /// <summary>Learns from one answer: its Date header, and when the call was sent and answered here.</summary>
        public void Observe(DateTimeOffset serverDate, DateTimeOffset sent, DateTimeOffset received)
        {
            lock (_gate)
            {
                var low = serverDate - received;
                var high = serverDate + TimeSpan.FromSeconds(1) - sent;
                if (low > _low) _low = low;
                if (high < _high) _high = high;
                // Bounds that cross mean the server's clock jumped: start over from this answer alone.
                if (_low > _high)
                {
                    _low = low;
                    _high = high;
                }
            }
        }

        /// <summary>True once any answer carried a Date header.</summary>
        public bool Known
        {
            get { lock (_gate) return _low != TimeSpan.MinValue; }
        }

        /// <summary>The earliest the server's clock can read at a local instant (null when unknown).</summary>
        public DateTimeOffset? Earliest(DateTimeOffset local)
        {
            lock (_gate) return _low == TimeSpan.MinValue ? (DateTimeOffset?)null : local + _low;
        }

        /// <summary>The latest the server's clock can read at a local instant (null when unknown).</summary>
        public DateTimeOffset? Latest(DateTimeOffset local)
        {
            lock (_gate) return _high == TimeSpan.MaxValue ? (DateTimeOffset?)null : local + _high;
        }
    }
}
