using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>What the module could tell about an address for the network a currency pays on.</summary>
    public enum NordPayAddressStatus
    {
        /// <summary>Well formed for the network, and its checksum matches.</summary>
        Verified,

        /// <summary>An EVM address in one case only: it carries no EIP-55 checksum, so a typo cannot be detected.</summary>
        NoChecksum,

        /// <summary>The module does not know the network's address format: the address was not checked.</summary>
        NetworkNotChecked,

        /// <summary>Not an address of the network (wrong length, alphabet, prefix, version or structure).</summary>
        Invalid,

        /// <summary>Shaped like an address of the network, but its checksum fails: a character is wrong.</summary>
        ChecksumInvalid,

        /// <summary>A well-formed address of another network.</summary>
        WrongNetwork,
    }

    /// <summary>The check of one address against the network NordPay pays its currency on.</summary>
    public sealed record NordPayAddressCheck
    {
        public NordPayAddressCheck(string currency, string network, string address, NordPayAddressStatus status, string? problem,
            string? checksummed, string? note)
        {
            Currency = currency;
            Network = network;
            Address = address;
            Status = status;
            Problem = problem;
            Checksummed = checksummed;
            Note = note;
        }

        public string Currency { get; }
        public string Network { get; }
        public string Address { get; }

        /// <summary>Whether the address may be paid: verified, or in a form that carries no checksum to verify.</summary>
        public bool Valid => Status <= NordPayAddressStatus.NetworkNotChecked;

        public NordPayAddressStatus Status { get; }

        /// <summary>Why the address is refused; null when it is valid.</summary>
        public string? Problem { get; }

        /// <summary>The EIP-55 mixed-case form for an EVM address, the address itself otherwise; null when it is refused.</summary>
        public string? Checksummed { get; }

        /// <summary>Whether a checksum was verified (false for one-case EVM addresses and networks the module does not check).</summary>
        public bool ChecksumVerified => Status == NordPayAddressStatus.Verified;

        /// <summary>What to know about an address that is accepted: no checksum, a network not checked, a format two networks share.</summary>
        public string? Note { get; }

        public override string ToString() => Address;

        /// <summary>The row error of a refused address.</summary>
        internal NordPayException ToError() => Status switch
        {
            NordPayAddressStatus.ChecksumInvalid => new NordPayException("AddressChecksumInvalid", ErrorKind.InvalidArgument, Problem!, "Address",
                recommendedAction: "Copy the address again from its owner: a checksum that fails means a character is wrong, missing or extra."),
            NordPayAddressStatus.WrongNetwork => new NordPayException("AddressWrongNetwork", ErrorKind.InvalidArgument, Problem!, "Address",
                recommendedAction: $"Ask for an address on {Network}, or pay in a currency of the address's network."),
            _ => new NordPayException("InvalidAddress", ErrorKind.InvalidArgument, Problem!, "Address",
                recommendedAction: $"Check the address for {Network}; it is used exactly as written."),
        };
    }
}
