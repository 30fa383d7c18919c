using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>
    /// A profile's payout policy, for this session or for the current user: what each currency may pay per payout, per
    /// run and per day, and optionally an address book outside which nothing is paid. A currency it sets no limits for
    /// is not paid at all while it stands.
    /// </summary>
    public sealed record NordPayPolicy
    {
        private readonly Dictionary<string, NordPayCurrencyLimit> _limits = new Dictionary<string, NordPayCurrencyLimit>(StringComparer.Ordinal);
        private readonly HashSet<string>? _book;

        public NordPayPolicy(string profile, NordPayKeyScope scope, IEnumerable<NordPayCurrencyLimit> limits,
            IReadOnlyList<NordPayAddressBookEntry>? addressBook, string? addressBookPath, DateTimeOffset setAt, string setBy,
            NordPayPolicyKey? key = null, decimal? repeatWindowHours = null)
        {
            Key = key;
            RepeatWindowHours = repeatWindowHours;
            Profile = profile;
            Scope = scope;
            foreach (var limit in limits) _limits[limit.Currency] = limit;
            Limits = _limits.Values.OrderBy(l => l.Currency, StringComparer.Ordinal).ToList();
            AddressBook = addressBook;
            AddressBookPath = addressBook == null ? null : addressBookPath;
            _book = addressBook == null ? null : new HashSet<string>(addressBook.Select(e => BookKey(e.Currency, InputText.Wallet(e.Address))), StringComparer.Ordinal);
            SetAt = setAt;
            SetBy = setBy;
            Fingerprint = Hash(Limits, addressBook, repeatWindowHours);
        }

        /// <summary>A policy with no limits and no address book, which pays nothing, to add rules to.</summary>
        public static NordPayPolicy Empty(string profile, NordPayKeyScope scope) =>
            new NordPayPolicy(profile, scope, Array.Empty<NordPayCurrencyLimit>(), null, null, DateTimeOffset.Now, CurrentUser);

        public string Profile { get; }
        /// <summary>Process: this session only; CurrentUser: persisted, for every session and job of this user.</summary>
        public NordPayKeyScope Scope { get; }
        /// <summary>12 hex digits of a SHA-256 of the rules (limits by value, addresses): equal rules, equal fingerprint.</summary>
        public string Fingerprint { get; }
        /// <summary>How the batch summary and the audit records name the policy.</summary>
        public string Name => $"{Profile} ({Scope}, {Fingerprint})";

        /// <summary>How a summary or an audit record says which policy applied (by its <see cref="Name"/>), or that none did.</summary>
        public static string Describe(string? name) => name == null ? "no policy" : "policy " + name;
        public IReadOnlyList<NordPayCurrencyLimit> Limits { get; }
        /// <summary>Null: any address (within the limits). Otherwise only these for their currency, matched exactly (case-sensitive) but for an EVM address's letter case, which is only its checksum.</summary>
        public IReadOnlyList<NordPayAddressBookEntry>? AddressBook { get; }
        /// <summary>The file the address book was imported from; changing the file changes nothing until it is imported again.</summary>
        public string? AddressBookPath { get; }
        public DateTimeOffset SetAt { get; }
        public string SetBy { get; }
        /// <summary>The key the policy was set for: it binds that key under any profile name, -ApiKey or NORDPAY_API_KEY. Null: only its profile's name binds it.</summary>
        internal NordPayPolicyKey? Key { get; }
        /// <summary>The key's hint as Get-NordPayApiKey shows it (its last four characters); null when the policy is bound to no key.</summary>
        public string? KeyHint => Key?.Hint;
        internal string? Account => Key?.Account;
        /// <summary>Hours within which a payout of the same currency, address and amount as a withdrawal in NordPay's history is refused; null: no repeat guard.</summary>
        public decimal? RepeatWindowHours { get; }

        /// <summary>The currency's limits (names are case-sensitive); null when the policy sets none, and then nothing is paid in it.</summary>
        public NordPayCurrencyLimit? LimitOf(string currency) => _limits.TryGetValue(currency, out var limit) ? limit : null;

        /// <summary>True when there is no address book, or it lists the address's wallet for the currency.</summary>
        public bool AllowsAddress(string currency, string address) => _book == null || _book.Contains(BookKey(currency, InputText.Wallet(address)));

        /// <summary>The same policy with the currency's limits replaced.</summary>
        public NordPayPolicy WithLimit(NordPayCurrencyLimit limit) =>
            new NordPayPolicy(Profile, Scope, Limits.Where(l => l.Currency != limit.Currency).Append(limit), AddressBook, AddressBookPath, DateTimeOffset.Now, CurrentUser, Key, RepeatWindowHours);

        /// <summary>The same policy without these currencies' limits (so that nothing is paid in them).</summary>
        public NordPayPolicy WithoutLimits(IEnumerable<string> currencies)
        {
            var removed = new HashSet<string>(currencies, StringComparer.Ordinal);
            return new NordPayPolicy(Profile, Scope, Limits.Where(l => !removed.Contains(l.Currency)), AddressBook, AddressBookPath, DateTimeOffset.Now, CurrentUser, Key, RepeatWindowHours);
        }

        /// <summary>The same policy with another address book, or none.</summary>
        public NordPayPolicy WithAddressBook(IReadOnlyList<NordPayAddressBookEntry>? entries, string? path) =>
            new NordPayPolicy(Profile, Scope, Limits, entries, path, DateTimeOffset.Now, CurrentUser, Key, RepeatWindowHours);

        /// <summary>The same policy with a repeat window (hours), or none.</summary>
        public NordPayPolicy WithRepeatWindow(decimal? hours) =>
            new NordPayPolicy(Profile, Scope, Limits, AddressBook, AddressBookPath, DateTimeOffset.Now, CurrentUser, Key, hours);

        /// <summary>The same policy bound to a key (kept as it was when <paramref name="key"/> is null: no key could be found for its profile).</summary>
        public NordPayPolicy BoundTo(NordPayPolicyKey? key) =>
            key == null ? this : new NordPayPolicy(Profile, Scope, Limits, AddressBook, AddressBookPath, SetAt, SetBy, key, RepeatWindowHours);

        public override string ToString() => Name;

        private static string CurrentUser => $"{Environment.UserName} on {Environment.MachineName}";

        private static string BookKey(string currency, string address) => currency + "\n" + address;

        private static string Hash(IEnumerable<NordPayCurrencyLimit> limits, IEnumerable<NordPayAddressBookEntry>? book, decimal? repeatWindowHours)
        {
            var text = new StringBuilder();
            if (repeatWindowHours is { } hours) text.Append("repeat\t").Append(Amount.Canonical(hours)).Append('\n');
            foreach (var l in limits)
                text.Append("limit\t").Append(l.Currency).Append('\t').Append(Amount.Canonical(l.MaxPerPayout)).Append('\t')
                    .Append(Amount.Canonical(l.MaxPerRun)).Append('\t').Append(l.MaxPerDay is { } day ? Amount.Canonical(day) : "-").Append('\n');
            if (book != null)
                foreach (var key in book.Select(e => BookKey(e.Currency, e.Address).Replace('\n', '\t')).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal))
                    text.Append("address\t").Append(key).Append('\n');
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()));
            return BitConverter.ToString(hash, 0, 6).Replace("-", string.Empty).ToLowerInvariant();
        }
    }

    /// <summary>The key a policy binds: shown by its hint; matched by NordPayConnection.Account (its host and a SHA-256 of the key), which is never shown.</summary>
    public sealed class NordPayPolicyKey : IEquatable<NordPayPolicyKey>
    {
        internal NordPayPolicyKey(string account, string hint)
        {
            Account = account;
            Hint = hint;
        }

        internal string Account { get; }
        public string Hint { get; }

        public bool Equals(NordPayPolicyKey? other) => other != null && other.Account == Account;
        public override bool Equals(object? obj) => Equals(obj as NordPayPolicyKey);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Account);
        public override string ToString() => Hint;
    }
}
