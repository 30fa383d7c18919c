using NordPay.Addresses;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Addresses;

/// <summary>The bech32 and bech32m codec and segwit addresses against the lists of BIP-173 and BIP-350.</summary>
public class Bech32Tests
{
    public static TheoryData<string> Bech32Valid() => new(PublishedVectors.Bech32Valid);
    public static TheoryData<string> Bech32mValid() => new(PublishedVectors.Bech32mValid);
    public static TheoryData<string, string> StringsInvalid() => TheoryRows.Of(PublishedVectors.Bech32Invalid.Concat(PublishedVectors.Bech32mInvalid));
    public static TheoryData<string, string> SegwitValid() => TheoryRows.Of(PublishedVectors.Bip350SegwitValid);
    public static TheoryData<string, string> SegwitInvalid() => TheoryRows.Of(PublishedVectors.Bip350SegwitInvalid.Concat(PublishedVectors.Bip173SegwitInvalid).DistinctBy(v => v.Address));

    [Theory]
    [MemberData(nameof(Bech32Valid))]
    public void BIP_173_valid_strings_decode_as_bech32(string text)
    {
        Assert.Null(Bech32.Decode(text, out _, out _, out var variant));
        Assert.Equal(Bech32Variant.Bech32, variant);
    }

    [Theory]
    [MemberData(nameof(Bech32mValid))]
    public void BIP_350_valid_strings_decode_as_bech32m(string text)
    {
        Assert.Null(Bech32.Decode(text, out _, out _, out var variant));
        Assert.Equal(Bech32Variant.Bech32m, variant);
    }

    [Theory]
    [MemberData(nameof(StringsInvalid))]
    public void Invalid_strings_the_BIPs_list_are_refused(string text, string reason) =>
        Assert.True(Bech32.Decode(text, out _, out _, out _) != null, reason);

    [Theory]
    [MemberData(nameof(SegwitValid))]
    public void BIP_350_valid_segwit_addresses_decode_to_their_scriptPubKey(string address, string scriptPubKey)
    {
        var hrp = address.Substring(0, 2).ToLowerInvariant();
        Assert.Null(SegwitAddress.Decode(hrp, address, out var version, out var program));
        var script = new[] { (byte)(version == 0 ? 0 : 0x50 + version), (byte)program.Length }.Concat(program);
        Assert.Equal(scriptPubKey, Convert.ToHexString(script.ToArray()).ToLowerInvariant());
    }

    [Theory]
    [MemberData(nameof(SegwitInvalid))]
    public void Invalid_segwit_addresses_the_BIPs_list_are_refused_for_either_prefix(string address, string reason)
    {
        Assert.True(SegwitAddress.Decode("bc", address, out _, out _) != null, reason);
        Assert.True(SegwitAddress.Decode("tb", address, out _, out _) != null, reason);
    }

    // BIP-173's examples of witness versions past 0 are bech32, which BIP-350 replaced with bech32m for them.
    private static readonly List<(string Address, string ScriptPubKey)> Bip173Upgraded =
        PublishedVectors.Bip173SegwitValid.Where(v => !v.ScriptPubKey.StartsWith("00", StringComparison.Ordinal)).ToList();

    [Fact]
    public void BIP_173s_examples_past_version_0_are_refused_since_BIP_350_with_a_checksum_error()
    {
        Assert.Equal(3, Bip173Upgraded.Count);
        foreach (var (address, _) in Bip173Upgraded)
        {
            var failure = SegwitAddress.Decode("bc", address, out _, out _);
            Assert.NotNull(failure);
            Assert.True(failure!.Checksum, address);
        }
    }

    [Fact]
    public void BIP_173s_version_0_examples_still_decode()
    {
        foreach (var (address, _) in PublishedVectors.Bip173SegwitValid.Except(Bip173Upgraded))
            Assert.Null(SegwitAddress.Decode(address.Substring(0, 2).ToLowerInvariant(), address, out _, out _));
    }
}
