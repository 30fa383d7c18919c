using System;
using System.Collections.Generic;

namespace NordPay.Api
{
    /// <summary>
    /// The withdraw request identifiers this process has seen for one merchant, in NordPay's answers and in journals.
    /// NordPay makes a new identifier for each request: one given again names two requests, and which of them a confirm
    /// pays cannot be known, so neither is confirmed.
    /// </summary>
    public sealed class RequestIdentifiers
    {
        private readonly object _gate = new object();
        // Each identifier seen, and whether it was given for more than one request.
        private readonly Dictionary<Guid, bool> _seen = new Dictionary<Guid, bool>();

        /// <summary>Records an identifier a journal holds: the same one again is the same request.</summary>
        public void Remember(Guid identifier)
        {
            lock (_gate)
                if (!_seen.ContainsKey(identifier)) _seen[identifier] = false;
        }

        /// <summary>Records the identifier of a request NordPay just created; false when it was seen before, for another request.</summary>
        public bool TryAddNew(Guid identifier)
        {
            lock (_gate)
            {
                if (!_seen.ContainsKey(identifier))
                {
                    _seen[identifier] = false;
                    return true;
                }
                _seen[identifier] = true;
                return false;
            }
        }

        /// <summary>True once the identifier was given for more than one request.</summary>
        public bool IsReused(Guid identifier)
        {
            lock (_gate) return _seen.TryGetValue(identifier, out var reused) && reused;
        }
    }
}
