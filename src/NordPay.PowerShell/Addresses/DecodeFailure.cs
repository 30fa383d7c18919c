namespace NordPay.Addresses
{
    /// <summary>Why a string does not decode: it is malformed, or it is well formed and its checksum fails.</summary>
    internal sealed class DecodeFailure
    {
        public DecodeFailure(string reason, bool checksum = false)
        {
            Reason = reason;
            Checksum = checksum;
        }

        /// <summary>Says what is wrong, as the end of a sentence: "it ...".</summary>
        public string Reason { get; }

        public bool Checksum { get; }
    }
}
