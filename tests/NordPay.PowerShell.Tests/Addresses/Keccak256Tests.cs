using System.Text;
using NordPay.Addresses;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Addresses;

/// <summary>The module's Keccak-256 and EIP-55 against the published answers and another implementation.</summary>
public class Keccak256Tests
{
    public static TheoryData<string, string> KnownAnswers() => TheoryRows.Of(PublishedVectors.Keccak256);

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Keccak256_gives_the_published_answers(string text, string hash) =>
        Assert.Equal(hash, Convert.ToHexString(Keccak256.Hash(Encoding.UTF8.GetBytes(text))).ToLowerInvariant());

    [Fact]
    public void Keccak256_is_not_SHA3_256()
    {
        var empty = Convert.ToHexString(Keccak256.Hash(Array.Empty<byte>())).ToLowerInvariant();
        Assert.NotEqual("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", empty); // SHA3-256("")
    }

    [Fact]
    public void Keccak256_agrees_with_BouncyCastle_at_every_length_across_three_blocks()
    {
        var random = new Random(256);
        for (var length = 0; length <= 3 * 136 + 1; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.True(AddressEncoding.Keccak256(data).SequenceEqual(Keccak256.Hash(data)), $"length {length}");
        }
    }

    public static TheoryData<string> Eip55Examples() => new(PublishedVectors.Eip55AllCaps.Concat(PublishedVectors.Eip55AllLower).Concat(PublishedVectors.Eip55Normal));

    [Theory]
    [MemberData(nameof(Eip55Examples))]
    public void Every_EIP_55_example_is_its_own_checksummed_form(string address)
    {
        var fromLowerCase = AddressValidator.Check("ETH", "ERC20", address.ToLowerInvariant());
        Assert.Equal(address, fromLowerCase.Checksummed);
        Assert.Equal(address, AddressValidator.Check("ETH", "ERC20", address).Checksummed);
    }

    [Theory]
    [MemberData(nameof(Eip55Examples))]
    public void The_test_encoder_agrees_on_every_EIP_55_example(string address) =>
        Assert.Equal(address, AddressEncoding.Eip55(Convert.FromHexString(address.Substring(2))));
}
