namespace NordPay.Models
{
    /// <summary>An address a policy's address book allows for a currency, with the label the book gives it.</summary>
    public sealed record NordPayAddressBookEntry
    {
        public NordPayAddressBookEntry(string currency, string address, string? label)
        {
            Currency = currency;
            Address = address;
            Label = label;
        }

        public string Currency { get; }
        public string Address { get; }
        public string? Label { get; }

        public override string ToString() => Label == null ? $"{Currency} {Address}" : $"{Currency} {Address} ({Label})";
    }
}
