using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Policy
{
    /// <summary>
    /// The policies persisted for the current user, by profile: policies.json in the folder of the persisted profiles,
    /// a file only its owner can open. Limits are kept as the exact decimal text; an address book as its entries.
    /// A file that cannot be read stops every payout rather than let it go unlimited.
    /// </summary>
    internal sealed class PolicyStore
    {
        public const string FileName = "policies.json";

        public PolicyStore(string directory) => Path = System.IO.Path.Combine(directory, FileName);

        public string Path { get; }

        public NordPayPolicy? Find(string profile) => Load().TryGetValue(profile, out var policy) ? policy : null;

        public IReadOnlyList<NordPayPolicy> List() => Load().Values.OrderBy(p => p.Profile, StringComparer.Ordinal).ToList();

        public void Save(NordPayPolicy policy)
        {
            var policies = Load();
            policies[policy.Profile] = policy;
            Write(policies);
        }

        /// <summary>Removes a profile's policy; false when it had none.</summary>
        public bool Remove(string profile)
        {
            var policies = Load();
            if (!policies.Remove(profile)) return false;
            Write(policies);
            return true;
        }

        private Dictionary<string, NordPayPolicy> Load()
        {
            var result = new Dictionary<string, NordPayPolicy>(StringComparer.Ordinal);
            PrivateFiles.Verify(Path);
            if (!File.Exists(Path)) return result;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(Path));
                foreach (var entry in document.RootElement.GetProperty("policies").EnumerateObject())
                    result[entry.Name] = Read(entry.Name, entry.Value);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is KeyNotFoundException || ex is FormatException
                                       || ex is NordPayException || ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new NordPayException("PolicyFileUnreadable", ErrorKind.InvalidData,
                    $"The policy file {Path} cannot be read ({ex.Message}), so no limit can be known: nothing is paid while it is unreadable.", "Profile",
                    recommendedAction: "Restore the file, or delete it and set the policies again with Set-NordPayPolicy -Scope CurrentUser.", inner: ex);
            }
            return result;
        }

        private static NordPayPolicy Read(string profile, JsonElement p)
        {
            static string Text(JsonElement e, string field) => e.GetProperty(field).GetString() ?? throw new FormatException($"{field} is null");
            static decimal Limit(JsonElement e, string field) => Amount.ParseInput(Text(e, field));
            var limits = p.GetProperty("limits").EnumerateArray().Select(l => new NordPayCurrencyLimit(Text(l, "currency"), Limit(l, "maxPerPayout"),
                Limit(l, "maxPerRun"), l.TryGetProperty("maxPerDay", out _) ? Limit(l, "maxPerDay") : (decimal?)null)).ToList();
            List<NordPayAddressBookEntry>? book = null;
            string? bookPath = null;
            if (p.TryGetProperty("addressBook", out var b))
            {
                bookPath = b.TryGetProperty("path", out var source) ? source.GetString() : null;
                book = b.GetProperty("entries").EnumerateArray()
                    .Select(e => new NordPayAddressBookEntry(Text(e, "currency"), Text(e, "address"), e.TryGetProperty("label", out _) ? Text(e, "label") : null)).ToList();
            }
            var key = p.TryGetProperty("key", out var k) ? new NordPayPolicyKey(Text(k, "account"), Text(k, "hint")) : null;
            var repeatWindow = p.TryGetProperty("repeatWindowHours", out _) ? Limit(p, "repeatWindowHours") : (decimal?)null;
            return new NordPayPolicy(profile, NordPayKeyScope.CurrentUser, limits, book, bookPath,
                DateTimeOffset.Parse(Text(p, "setAt"), CultureInfo.InvariantCulture), Text(p, "setBy"), key, repeatWindow);
        }

        private void Write(Dictionary<string, NordPayPolicy> policies)
        {
            var directory = System.IO.Path.GetDirectoryName(Path)!;
            if (!Directory.Exists(directory)) PrivateFiles.Folder(directory);
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartObject("policies");
                foreach (var policy in policies.Values.OrderBy(p => p.Profile, StringComparer.Ordinal))
                {
                    w.WriteStartObject(policy.Profile);
                    w.WriteString("setAt", policy.SetAt.ToString("o", CultureInfo.InvariantCulture));
                    w.WriteString("setBy", policy.SetBy);
                    if (policy.Key != null)
                    {
                        w.WriteStartObject("key");
                        w.WriteString("account", policy.Key.Account);
                        w.WriteString("hint", policy.Key.Hint);
                        w.WriteEndObject();
                    }
                    if (policy.RepeatWindowHours is { } hours) w.WriteString("repeatWindowHours", Amount.Format(hours));
                    w.WriteStartArray("limits");
                    foreach (var limit in policy.Limits)
                    {
                        w.WriteStartObject();
                        w.WriteString("currency", limit.Currency);
                        w.WriteString("maxPerPayout", Amount.Format(limit.MaxPerPayout));
                        w.WriteString("maxPerRun", Amount.Format(limit.MaxPerRun));
                        if (limit.MaxPerDay is { } day) w.WriteString("maxPerDay", Amount.Format(day));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    if (policy.AddressBook != null)
                    {
                        w.WriteStartObject("addressBook");
                        if (policy.AddressBookPath != null) w.WriteString("path", policy.AddressBookPath);
                        w.WriteStartArray("entries");
                        foreach (var entry in policy.AddressBook)
                        {
                            w.WriteStartObject();
                            w.WriteString("currency", entry.Currency);
                            w.WriteString("address", entry.Address);
                            if (entry.Label != null) w.WriteString("label", entry.Label);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            PrivateFiles.Write(Path, stream.ToArray());
        }
    }
}
