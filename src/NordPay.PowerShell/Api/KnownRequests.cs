using System;
using System.Collections.Generic;

namespace NordPay.Api
{
    /// <summary>
    /// The withdraw requests this process made or read from a journal. NordPay answers "Withdraw request not found" for a
    /// request that never existed and, as far as anyone can tell, for one already confirmed: for a request known to
    /// exist, that answer proves nothing, and the withdraw history decides.
    /// </summary>
    public sealed class KnownRequests
    {
        private readonly HashSet<Guid> _identifiers = new HashSet<Guid>();

        public void Add(Guid identifier)
        {
            lock (_identifiers) _identifiers.Add(identifier);
        }

        public bool Contains(Guid identifier)
        {
            lock (_identifiers) return _identifiers.Contains(identifier);
        }
    }
}
