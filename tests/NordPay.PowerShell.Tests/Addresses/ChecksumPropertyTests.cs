using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NordPay.Addresses;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Addresses;

/// <summary>A single changed character in a valid checksummed address is refused.</summary>
public class ChecksumPropertyTests
{
    private static readonly (string Network, byte Version)[] Base58Networks =
        { ("TRC20", 0x41), ("BTC", 0x00), ("BTC", 0x05), ("LTC", 0x30), ("LTC", 0x32), ("LTC", 0x05), ("DOGE", 0x1E), ("DOGE", 0x16) };

    // Valid native segwit addresses, v0 to v16, both cases: the BIP-350 examples for bc and real BTC and LTC ones.
    private static readonly (string Network, string Address)[] SegwitAddresses = PublishedVectors.Bip350SegwitValid
        .Where(v => v.Address.StartsWith("bc", StringComparison.OrdinalIgnoreCase)).Select(v => ("BTC", v.Address))
        .Concat(RealAddressList.Bitcoin.Where(a => a.StartsWith("bc1", StringComparison.Ordinal)).Select(a => ("BTC", a)))
        .Concat(RealAddressList.Litecoin.Where(a => a.StartsWith("ltc1", StringComparison.Ordinal)).Select(a => ("LTC", a)))
        .ToArray();

    private static readonly Gen<byte[]> Bytes20 = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 20);

    // Any printable ASCII character but the one already there.
    private static Gen<string> ChangeOneCharacter(string address) =>
        from position in Gen.Choose(0, address.Length - 1)
        from replacement in Gen.Choose(33, 126).Select(c => (char)c).Where(c => c != address[position])
        select address.Substring(0, position) + replacement + address.Substring(position + 1);

    [Property(MaxTest = 2000)]
    public Property A_changed_character_in_a_base58check_address_is_refused() =>
        Prop.ForAll((
            from network in Gen.Elements(Base58Networks)
            from body in Bytes20
            let address = AddressEncoding.Base58Check(network.Version, body)
            from changed in ChangeOneCharacter(address)
            select (network.Network, address, changed)).ToArbitrary(),
            x => AddressValidator.Check("COIN", x.Network, x.address).ChecksumVerified && !AddressValidator.Check("COIN", x.Network, x.changed).Valid);

    [Property(MaxTest = 2000)]
    public Property A_changed_character_in_a_bech32_or_bech32m_address_is_refused() =>
        Prop.ForAll((
            from seed in Gen.Elements(SegwitAddresses)
            from changed in ChangeOneCharacter(seed.Address)
            select (seed.Network, seed.Address, changed)).ToArbitrary(),
            x => AddressValidator.Check("COIN", x.Network, x.Address).ChecksumVerified && !AddressValidator.Check("COIN", x.Network, x.changed).Valid);

    // A letter's case is EIP-55's only carrier: changing it is always caught, unless the change leaves one case only,
    // which carries no checksum and is accepted as unchecked (NoChecksum), never as verified.
    [Property(MaxTest = 2000)]
    public Property A_changed_case_in_a_mixed_case_EVM_address_is_refused() =>
        Prop.ForAll((
            from body in Bytes20
            let address = AddressEncoding.Eip55(body)
            where address.Any(char.IsUpper) && address.Substring(2).Any(char.IsLower)
            from position in Gen.Elements(Enumerable.Range(2, 40).Where(i => char.IsLetter(address[i])).ToArray())
            let flipped = char.IsUpper(address[position]) ? char.ToLowerInvariant(address[position]) : char.ToUpperInvariant(address[position])
            select (address, changed: address.Substring(0, position) + flipped + address.Substring(position + 1))).ToArbitrary(),
            x =>
            {
                var check = AddressValidator.Check("ETH", "ERC20", x.changed);
                var oneCase = !x.changed.Substring(2).Any(char.IsUpper) || !x.changed.Substring(2).Any(char.IsLower);
                return AddressValidator.Check("ETH", "ERC20", x.address).ChecksumVerified
                       && !check.ChecksumVerified && check.Valid == oneCase;
            });

    // EIP-55 is not a 4-byte checksum: a substituted hex digit passes when every letter's case happens to match the new
    // hash, with probability 2^-letters (the EIP gives 0.0247% on average). Measured here, reproducibly.
    [Fact]
    public void A_substituted_hex_digit_in_an_EVM_address_is_refused_at_least_999_times_in_1000()
    {
        var random = new Random(55);
        const int trials = 20_000;
        var passed = 0;
        for (var i = 0; i < trials; i++)
        {
            var body = new byte[20];
            random.NextBytes(body);
            var address = AddressEncoding.Eip55(body);
            var position = 2 + random.Next(40);
            var digits = "0123456789abcdefABCDEF".Where(c => char.ToLowerInvariant(c) != char.ToLowerInvariant(address[position])).ToArray();
            var changed = address.Substring(0, position) + digits[random.Next(digits.Length)] + address.Substring(position + 1);
            var check = AddressValidator.Check("ETH", "ERC20", changed);
            if (check.ChecksumVerified)
            {
                passed++;
                Assert.Equal(AddressEncoding.Eip55(Convert.FromHexString(changed.Substring(2))), changed);
            }
        }
        Assert.InRange(passed, 0, trials / 1000);
    }
}
