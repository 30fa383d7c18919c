namespace NordPay.Tests.Addresses;

/// <summary>
/// Addresses in real use, each checked here with an independent decoder before being written down: the USDT TRC20
/// contract and NordPay's live wallet (from NordPay's live data), and addresses that the multicoin address
/// validators' own test suites list as valid (LTC and DOGE), the Bitcoin genesis address and the BIP-350 taproot example.
/// </summary>
public static class RealAddressList
{
    public static readonly string[] Tron =
    {
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", // the USDT TRC20 contract
        "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye", // NordPay's live deposit wallet
        "TNDzfERDpxLDS2w1q6yaFC7pzqaSQ3Bg3r",
        "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE",
    };

    public static readonly string[] Litecoin =
    {
        "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "LTpYZG19YmfvY2bBDYtCKpunVRw7nVgRHW", "Lb6wDP2kHGyWC7vrZuZAgV7V4ECyDdH7a6", // L: P2PKH, 0x30
        "MUWheVyCBf3Fm3WNNXvotQ3Gj8NTSZCBVe", "M7uWktm4AttpT71jJco9LVZcTnCT77yGzp", // M: P2SH, 0x32
        "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt", // 3: the old P2SH version 0x05, shared with Bitcoin
        "ltc1qajkrze8gc5qdx2ehldsmd596a2gprnn50a53mj3xxvy0zgtdq6gqumv03a", // P2WSH
        "ltc1qqqgjyv6y24n80zye42aueh0wluqpzg3nfcsa0q", // P2WPKH
    };

    public static readonly string[] Dogecoin =
    {
        "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU", "DNzLUN6MyYVS5zf4Xc2yK69V3dXs6Mxia5", "DPS6iZj7roHquvwRYXNBua9QtKPzigUUhM",
        "DMqRVLrhbam3Kcfddpxd6EYvEBbpi3bEpP", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", // D: P2PKH, 0x1E
        "A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS", // A: P2SH, 0x16
        "9tp7THhBG3fNNFka1AJm95DU3E4x3pwQA3", // 9: P2SH, 0x16 (script hash 1a11b73ad3dd99d77da9f858cf323205a84dd5da)
    };

    public static readonly string[] Bitcoin =
    {
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", // the genesis block's address
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", // P2SH
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", // P2WPKH
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", // P2TR (BIP-350)
    };
}
