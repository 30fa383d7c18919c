namespace NordPay.Tests.Addresses;

/// <summary>
/// The published test vectors, exactly as their documents list them: EIP-55 (ethereum/ERCs ERCS/erc-55.md, "Test Cases"),
/// BIP-173 and BIP-350 (bitcoin/bips, "Test vectors"), and the Keccak-256 answers of js-sha3 (emn178/js-sha3 tests/test-keccak.js).
/// </summary>
public static class PublishedVectors
{
    /// <summary>EIP-55: each address is its own checksummed form. The first four happen to check to one case only.</summary>
    public static readonly string[] Eip55AllCaps = { "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D" };
    public static readonly string[] Eip55AllLower = { "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26" };
    public static readonly string[] Eip55Normal =
    {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    };

    /// <summary>Keccak-256 of UTF-8 text, as js-sha3 tests it (ASCII and UTF-8, under and over one 136-byte block).</summary>
    public static readonly (string Text, string Hash)[] Keccak256 =
    {
        ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
        ("The quick brown fox jumps over the lazy dog.", "578951e24efd62a3d63a86f7cd19aaa53c898fe287d2552133220370240b572d"),
        ("The MD5 message-digest algorithm is a widely used cryptographic hash function producing a 128-bit (16-byte) hash value, typically expressed in text format as a 32 digit hexadecimal number. MD5 has been utilized in a wide variety of cryptographic applications, and is also commonly used to verify data integrity.",
            "af20018353ffb50d507f1555580f5272eca7fdab4f8295db4b1a9ad832c93f6d"),
        ("中文", "70a2b6579047f0a977fcb5e9120a4e07067bea9abb6916fbc2d13ffb9a4e4eee"),
        ("aécio", "d7d569202f04daf90432810d6163112b2695d7820da979327ebd894efb0276dc"),
        ("𠜎", "16a7cc7a58444cbf7e939611910ddc82e7cba65a99d3e8e08cfcda53180a2180"),
        ("訊息摘要演算法第五版（英語：Message-Digest Algorithm 5，縮寫為MD5），是當前電腦領域用於確保資訊傳輸完整一致而廣泛使用的雜湊演算法之一",
            "d1021d2d4c5c7e88098c40f422af68493b4b64c913cbd68220bf5e6127c37a88"),
        ("訊息摘要演算法第五版（英語：Message-Digest Algorithm 5，縮寫為MD5），是當前電腦領域用於確保資訊傳輸完整一致而廣泛使用的雜湊演算法之一（又譯雜湊演算法、摘要演算法等），主流程式語言普遍已有MD5的實作。",
            "ffabf9bba2127c4928d360c9905cb4911f0ec21b9c3b89f3b242bccc68389e36"),
    };

    /// <summary>BIP-173: valid Bech32 strings.</summary>
    public static readonly string[] Bech32Valid =
    {
        "A12UEL5L", "a12uel5l", "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl",
    };

    /// <summary>BIP-173: invalid Bech32 strings (the reasons as the BIP gives them).</summary>
    public static readonly (string Text, string Reason)[] Bech32Invalid =
    {
        ("\u0020" + "1nwldj5", "HRP character out of range"), ("\u007F" + "1axkwrx", "HRP character out of range"),
        ("\u0080" + "1eym55h", "HRP character out of range"),
        ("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", "overall max length exceeded"),
        ("pzry9x0s0muk", "No separator character"), ("1pzry9x0s0muk", "Empty HRP"), ("x1b4n0q5v", "Invalid data character"),
        ("li1dgmt3", "Too short checksum"), ("de1lg7wt" + "\u00FF", "Invalid character in checksum"),
        ("A1G7SGD8", "checksum calculated with uppercase form of HRP"), ("10a06t8", "empty HRP"), ("1qzzfhee", "empty HRP"),
    };

    /// <summary>BIP-350: valid Bech32m strings (none is also valid Bech32).</summary>
    public static readonly string[] Bech32mValid =
    {
        "A1LQFN3A", "a1lqfn3a", "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa",
    };

    /// <summary>BIP-350: invalid Bech32m strings.</summary>
    public static readonly (string Text, string Reason)[] Bech32mInvalid =
    {
        ("\u0020" + "1xj0phk", "HRP character out of range"), ("\u007F" + "1g6xzxy", "HRP character out of range"),
        ("\u0080" + "1vctc34", "HRP character out of range"),
        ("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", "overall max length exceeded"),
        ("qyrz8wqd2c9m", "No separator character"), ("1qyrz8wqd2c9m", "Empty HRP"), ("y1b0jsk6g", "Invalid data character"),
        ("lt1igcx5c0", "Invalid data character"), ("in1muywd", "Too short checksum"), ("mm1crxm3i", "Invalid character in checksum"),
        ("au1s5cgom", "Invalid character in checksum"), ("M1VUXWEZ", "checksum calculated with uppercase form of HRP"),
        ("16plkw9", "empty HRP"), ("1p2gdwpf", "empty HRP"),
    };

    /// <summary>BIP-173: valid segwit addresses and their scriptPubKey. Its v1+ examples carry a Bech32 checksum, which BIP-350 made invalid.</summary>
    public static readonly (string Address, string ScriptPubKey)[] Bip173SegwitValid =
    {
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("BC1SW50QA3JX3S", "6002751e"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj", "5210751e76e8199196d454941c45d1b3a323"),
        ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
    };

    /// <summary>BIP-173: invalid segwit addresses.</summary>
    public static readonly (string Address, string Reason)[] Bip173SegwitInvalid =
    {
        ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "Invalid human-readable part"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid checksum"),
        ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "Invalid witness version"),
        ("bc1rw5uspcuh", "Invalid program length"),
        ("bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90", "Invalid program length"),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "Invalid program length for witness version 0 (per BIP141)"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "Mixed case"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "zero padding of more than 4 bits"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "Non-zero padding in 8-to-5 conversion"),
        ("bc1gmk9yu", "Empty data section"),
    };

    /// <summary>BIP-350: valid segwit addresses (v0 to v16) and their scriptPubKey.</summary>
    public static readonly (string Address, string ScriptPubKey)[] Bip350SegwitValid =
    {
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("BC1SW50QGDZ25J", "6002751e"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
        ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
    };

    /// <summary>BIP-350: invalid segwit addresses.</summary>
    public static readonly (string Address, string Reason)[] Bip350SegwitInvalid =
    {
        ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "Invalid human-readable part"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "Invalid checksum (Bech32 instead of Bech32m)"),
        ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "Invalid checksum (Bech32 instead of Bech32m)"),
        ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "Invalid checksum (Bech32 instead of Bech32m)"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "Invalid checksum (Bech32m instead of Bech32)"),
        ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "Invalid checksum (Bech32m instead of Bech32)"),
        ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "Invalid character in checksum"),
        ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "Invalid witness version"),
        ("bc1pw5dgrnzv", "Invalid program length (1 byte)"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "Invalid program length (41 bytes)"),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "Invalid program length for witness version 0 (per BIP141)"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "Mixed case"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "zero padding of more than 4 bits"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "Non-zero padding in 8-to-5 conversion"),
        ("bc1gmk9yu", "Empty data section"),
    };
}
