using System;
using System.Collections.Generic;

namespace NordPay.Api
{
    /// <summary>
    /// The withdraw request identifiers this process has seen for one merchant, in NordPay's answers and in journals.
    /// NordPay makes a new identifier for each request: one given again names two requests, and which of them a confirm
    /// pays cannot be known, so neither is confirmed. And a request known to exist that NordPay answers "not found" for
    /// may have been confirmed already: that answer proves nothing.
    /// </summary>
    internal sealed class RequestIdentifiers
    {
        private readonly object _gate = new object();
        // Each identifier seen, and whether it was given for more than one request.
        private readonly Dictionary<Guid, bool> _seen = new Dictionary<Guid, bool>();
        // The identifiers a confirm was started for: one given again after that may have paid the other request's details.
        private readonly HashSet<Guid> _confirming = new HashSet<Guid>();

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

        /// <summary>True for a request this process made or a journal holds.</summary>
        public bool IsKnown(Guid identifier)
        {
            lock (_gate) return _seen.ContainsKey(identifier);
        }

        /// <summary>
        /// Marks a confirm of the identifier as started; false when it was given for more than one request, and then no
        /// confirm may start. Atomic with <see cref="TryAddNew"/>: a reuse is seen either before any confirm, or after one.
        /// </summary>
        public bool TryStartConfirm(Guid identifier)
        {
            lock (_gate)
            {
                if (_seen.TryGetValue(identifier, out var reused) && reused) return false;
                _confirming.Add(identifier);
                return true;
            }
        }

        /// <summary>True once a confirm of the identifier was started.</summary>
        public bool ConfirmStarted(Guid identifier)
        {
            lock (_gate) return _confirming.Contains(identifier);
        }

        /// <summary>True once the identifier was given for more than one request.</summary>
        public bool IsReused(Guid identifier)
        {
            lock (_gate) return _seen.TryGetValue(identifier, out var reused) && reused;
        }
    }
}
