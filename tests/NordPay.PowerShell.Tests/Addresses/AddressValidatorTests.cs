using NordPay.Addresses;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Addresses;

/// <summary>One validator for every network of NordPay's currency list: formats, checksums, other networks named.</summary>
public class AddressValidatorTests
{
    private static readonly string[] EvmNetworks = { "ERC20", "BEP20", "POL", "AVAXC", "BASE", "OP", "ARB", "GNO", "LINEA", "SCR", "ZK", "FTM", "MNT" };

    private static NordPayAddressCheck Check(string network, string address) => AddressValidator.Check("COIN", network, address);

    public static TheoryData<string, string> RealAddresses() => TheoryRows.Of(
        RealAddressList.Tron.Select(a => ("TRC20", a))
            .Concat(RealAddressList.Litecoin.Select(a => ("LTC", a)))
            .Concat(RealAddressList.Dogecoin.Select(a => ("DOGE", a)))
            .Concat(RealAddressList.Bitcoin.Select(a => ("BTC", a)))
            .Concat(PublishedVectors.Bip350SegwitValid.Where(v => v.Address.StartsWith("bc", StringComparison.OrdinalIgnoreCase)).Select(v => ("BTC", v.Address)))
            .Concat(EvmNetworks.SelectMany(n => PublishedVectors.Eip55Normal.Select(a => (n, a))))
            .Distinct());

    [Theory]
    [MemberData(nameof(RealAddresses))]
    public void Known_good_addresses_are_verified_on_their_network(string network, string address)
    {
        var check = Check(network, address);
        Assert.True(check.Valid, check.Problem);
        Assert.Equal(NordPayAddressStatus.Verified, check.Status);
        Assert.True(check.ChecksumVerified);
        Assert.Null(check.Problem);
        Assert.Equal(address, check.Checksummed);
    }

    [Fact]
    public void The_version_bytes_are_the_networks_own()
    {
        Assert.Equal(NordPayAddressStatus.WrongNetwork, Check("TRC20", AddressEncodingFor(0x00)).Status);
        foreach (var (network, version) in new[] { ("TRC20", 0x41), ("BTC", 0x00), ("BTC", 0x05), ("LTC", 0x30), ("LTC", 0x32), ("LTC", 0x05), ("DOGE", 0x1E), ("DOGE", 0x16) })
            Assert.Equal(NordPayAddressStatus.Verified, Check(network, AddressEncodingFor((byte)version)).Status);
        var unknownVersion = Check("DOGE", AddressEncodingFor(0x99));
        Assert.Equal(NordPayAddressStatus.Invalid, unknownVersion.Status);
        Assert.Contains("version byte is 0x99, not 0x1E or 0x16", unknownVersion.Problem);
    }

    private static string AddressEncodingFor(byte version) => AddressEncoding.Base58Check(version, AddressEncoding.Body("version", version));

    [Theory]
    [InlineData("TRC20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")]
    [InlineData("LTC", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH8")]
    [InlineData("DOGE", "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSV")]
    [InlineData("BTC", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")]
    [InlineData("BTC", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")]
    [InlineData("LTC", "ltc1qqqgjyv6y24n80zye42aueh0wluqpzg3nfcsa0p")]
    [InlineData("BEP20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")]
    [InlineData("ERC20", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    public void One_wrong_character_fails_the_checksum(string network, string address)
    {
        var check = Check(network, address);
        Assert.Equal(NordPayAddressStatus.ChecksumInvalid, check.Status);
        Assert.False(check.Valid);
        Assert.Null(check.Checksummed);
        Assert.Contains("checksum", check.Problem);
        Assert.Equal("AddressChecksumInvalid", check.ToError().ErrorId);
    }

    [Theory]
    [InlineData("USDTBEP20", "BEP20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "This is a TRC20 address; USDTBEP20 pays on BEP20.")]
    [InlineData("USDTTRC20", "TRC20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "This is an EVM address (ERC20, BEP20 and the other EVM networks); USDTTRC20 pays on TRC20.")]
    [InlineData("USDTTRC20", "TRC20", "0xde709f2102306220921060314715629080e2fb77", "This is an EVM address (ERC20, BEP20 and the other EVM networks); USDTTRC20 pays on TRC20.")]
    [InlineData("LTC", "LTC", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "This is a BTC address; LTC pays on LTC.")]
    [InlineData("LTC", "LTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "This is a BTC address; LTC pays on LTC.")]
    [InlineData("BTC", "BTC", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "This is an LTC address; BTC pays on BTC.")]
    [InlineData("BTC", "BTC", "ltc1qqqgjyv6y24n80zye42aueh0wluqpzg3nfcsa0q", "This is an LTC address; BTC pays on BTC.")]
    [InlineData("BTC", "BTC", "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU", "This is a DOGE address; BTC pays on BTC.")]
    [InlineData("BTC", "BTC", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "This is a Bitcoin testnet address; BTC pays on BTC.")]
    [InlineData("DOGE", "DOGE", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "This is a BTC address or an LTC address; DOGE pays on DOGE.")]
    [InlineData("ETH", "ERC20", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "This is a BTC address; ETH pays on ERC20.")]
    [InlineData("TRX", "TRC20", "A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS", "This is a DOGE address; TRX pays on TRC20.")]
    public void A_well_formed_address_of_another_network_is_named(string currency, string network, string address, string problem)
    {
        var check = AddressValidator.Check(currency, network, address);
        Assert.Equal(NordPayAddressStatus.WrongNetwork, check.Status);
        Assert.Equal(problem, check.Problem);
        Assert.False(check.Valid);
        Assert.Equal("AddressWrongNetwork", check.ToError().ErrorId);
    }

    [Fact]
    public void An_EVM_address_is_valid_on_every_EVM_network()
    {
        foreach (var network in EvmNetworks)
            Assert.Equal(NordPayAddressStatus.Verified, Check(network, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359").Status);
    }

    [Theory]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "all lower-case")]
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "all upper-case")]
    [InlineData("0x0000000000000000000000000000000000001000", "no letters")]
    public void A_one_case_EVM_address_is_accepted_unchecked_with_its_checksummed_form(string address, string said)
    {
        var check = Check("BEP20", address);
        Assert.True(check.Valid);
        Assert.Equal(NordPayAddressStatus.NoChecksum, check.Status);
        Assert.False(check.ChecksumVerified);
        Assert.Null(check.Problem);
        Assert.Contains(said, check.Note);
        Assert.Contains(check.Checksummed!, check.Note);
        Assert.Equal(address.ToLowerInvariant(), check.Checksummed!.ToLowerInvariant());
        if (address.StartsWith("0x5", StringComparison.Ordinal)) Assert.Equal("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", check.Checksummed);
    }

    [Fact]
    public void The_EIP_55_examples_that_check_to_one_case_are_accepted_but_not_verified()
    {
        foreach (var address in PublishedVectors.Eip55AllCaps.Concat(PublishedVectors.Eip55AllLower))
        {
            var check = Check("ERC20", address);
            Assert.Equal((NordPayAddressStatus.NoChecksum, address), (check.Status, check.Checksummed));
        }
    }

    [Theory]
    [InlineData("BEP20", "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "does not start with 0x")]
    [InlineData("BEP20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "39 hexadecimal digits")]
    [InlineData("BEP20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "41 hexadecimal digits")]
    [InlineData("BEP20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "'g' (character 42) is not a hexadecimal digit")]
    [InlineData("TRC20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t", "'0' (character 33) is not a base58 character")]
    [InlineData("TRC20", "T", "too short")]
    [InlineData("BTC", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4", "mixes upper- and lower-case")]
    [InlineData("BTC", "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "padding")]
    [InlineData("BTC", "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "version 0 allows 20 or 32")]
    [InlineData("BTC", "", "empty")]
    public void Malformed_addresses_are_invalid_with_the_reason(string network, string address, string reason)
    {
        var check = Check(network, address);
        Assert.Equal(NordPayAddressStatus.Invalid, check.Status);
        Assert.Contains(reason, check.Problem);
        Assert.Equal("InvalidAddress", check.ToError().ErrorId);
    }

    [Theory]
    [InlineData("BEP20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\u200B", "U+200B at character 43")]
    [InlineData("TRC20", "\u200ETR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "U+200E at character 1")]
    [InlineData("BTC", "bc1qar0srrr7xfkvy5l643\uFEFFlydnw9re59gtzzwf5mdq", "U+FEFF at character 23")]
    [InlineData("DOT", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5\u2060", "U+2060 at character 49")]
    [InlineData("DOT", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1Mgbj MNHr6Sp5", "U+0020 at character 41")]
    public void An_invisible_or_blank_character_is_refused_on_every_network(string network, string address, string where)
    {
        var check = Check(network, address);
        Assert.Equal(NordPayAddressStatus.Invalid, check.Status);
        Assert.Contains(where, check.Problem);
    }

    [Theory]
    [InlineData("DOT", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5")]
    [InlineData("SUI", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("APT", "anything-at-all")]
    public void A_network_the_module_does_not_know_passes_unchecked_with_a_note(string network, string address)
    {
        var check = Check(network, address);
        Assert.True(check.Valid);
        Assert.Equal(NordPayAddressStatus.NetworkNotChecked, check.Status);
        Assert.False(check.ChecksumVerified);
        Assert.Equal(address, check.Checksummed);
        Assert.Contains($"does not know {network} addresses", check.Note);
    }

    [Fact]
    public void A_Litecoin_3_address_is_accepted_with_a_note_that_Bitcoin_shares_the_form()
    {
        var check = Check("LTC", "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt");
        Assert.Equal(NordPayAddressStatus.Verified, check.Status);
        Assert.Contains("Bitcoin", check.Note);
        Assert.Null(Check("LTC", "MUWheVyCBf3Fm3WNNXvotQ3Gj8NTSZCBVe").Note);
    }

    [Fact]
    public void The_script_hash_of_a_DOGE_9_address_is_the_published_one()
    {
        Assert.Null(Base58Check.Decode("9tp7THhBG3fNNFka1AJm95DU3E4x3pwQA3", out var payload));
        Assert.Equal("161a11b73ad3dd99d77da9f858cf323205a84dd5da", Convert.ToHexString(payload).ToLowerInvariant());
    }

    [Fact]
    public void Network_names_match_whatever_their_case()
    {
        Assert.Equal(NordPayAddressStatus.Verified, Check("trc20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").Status);
        Assert.Equal(NordPayAddressStatus.Verified, Check("Bep20", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").Status);
    }
}
