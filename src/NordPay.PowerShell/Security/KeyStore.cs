using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NordPay.Core;

namespace NordPay.Security
{
    /// <summary>
    /// The current user's persisted profiles: profiles.json in the configuration folder holds each profile's
    /// base URI and where its key is kept (DPAPI blob, vault reference, or the name of an owner-only key file).
    /// </summary>
    internal sealed class KeyStore
    {
        public const string DirectoryVariable = "NORDPAY_CONFIG_DIR";
        private const string FileName = "profiles.json";
        private const string KeyFileProfile = "profile";
        private const string KeyFileKey = "key";

        private readonly IKeyProtector _protector;

        public KeyStore(string directory, IKeyProtector protector)
        {
            Directory = directory;
            _protector = protector;
        }

        public string Directory { get; }

        public bool CanProtect => _protector.IsAvailable;

        /// <summary>The store in the current user's configuration folder (<see cref="UserFolders.Config"/>).</summary>
        public static KeyStore ForCurrentUser() => new KeyStore(UserFolders.Current.Config, new DpapiKeyProtector());

        public IReadOnlyList<PersistedProfile> List() => Load().Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

        public PersistedProfile? Find(string name) => Load().TryGetValue(name, out var profile) ? profile : null;

        /// <summary>Keeps the key encrypted with DPAPI for the current user.</summary>
        public PersistedProfile SaveProtected(string name, Uri baseUri, SecureString key)
        {
            if (!_protector.IsAvailable) throw new PlatformNotSupportedException("DPAPI is available on Windows only.");
            var plain = Encoding.UTF8.GetBytes(Reveal(key));
            try
            {
                var profile = new PersistedProfile(name, baseUri, KeyStorage.Dpapi, Redactor.Hint(Reveal(key)), DateTimeOffset.Now)
                {
                    ProtectedKey = Convert.ToBase64String(_protector.Protect(plain)),
                };
                return Save(profile);
            }
            finally
            {
                Array.Clear(plain, 0, plain.Length);
            }
        }

        /// <summary>
        /// Keeps the key in clear in a file only its owner can read: the user asked for it explicitly. The file
        /// has a name of its own for each exact profile name, and records that name, so it is never another profile's.
        /// </summary>
        public PersistedProfile SavePlainTextFile(string name, Uri baseUri, SecureString key)
        {
            EnsureDirectory();
            var file = KeyFileName(name);
            PrivateFiles.Write(Path.Combine(Directory, file), Encoding.UTF8.GetBytes(KeyFileText(name, Reveal(key))));
            return Save(new PersistedProfile(name, baseUri, KeyStorage.PlainTextFile, Redactor.Hint(Reveal(key)), DateTimeOffset.Now) { KeyFile = file });
        }

        /// <summary>Keeps only where the key is: a SecretManagement vault and secret name.</summary>
        public PersistedProfile SaveVaultReference(string name, Uri baseUri, string vault, string secretName, string keyHint) =>
            Save(new PersistedProfile(name, baseUri, KeyStorage.Vault, keyHint, DateTimeOffset.Now) { Vault = vault, SecretName = secretName });

        /// <summary>The key of a DPAPI or key-file profile; vault profiles are read through SecretManagement by the caller.</summary>
        public SecureString ReadKey(PersistedProfile profile)
        {
            switch (profile.Storage)
            {
                case KeyStorage.Dpapi:
                    if (!_protector.IsAvailable)
                        throw Unreadable(profile, "it is encrypted with DPAPI, which exists on Windows only");
                    byte[] plain;
                    try
                    {
                        plain = _protector.Unprotect(Convert.FromBase64String(profile.ProtectedKey ?? string.Empty));
                    }
                    catch (Exception ex) when (!(ex is OutOfMemoryException))
                    {
                        throw Unreadable(profile, "DPAPI could not decrypt it: a DPAPI key opens only for the Windows account and machine that saved it");
                    }
                    try
                    {
                        return new NetworkCredential(string.Empty, Encoding.UTF8.GetString(plain)).SecurePassword;
                    }
                    finally
                    {
                        Array.Clear(plain, 0, plain.Length);
                    }
                case KeyStorage.PlainTextFile:
                    return new NetworkCredential(string.Empty, ReadKeyFile(profile)).SecurePassword;
                default:
                    throw new InvalidOperationException("Vault profiles are read through SecretManagement.");
            }
        }

        /// <summary>Removes a profile and its key file; false when there was none.</summary>
        public bool Remove(string name)
        {
            var profiles = Load();
            if (!profiles.TryGetValue(name, out var profile)) return false;
            profiles.Remove(name);
            Write(profiles);
            DeleteKeyFile(profile, profiles);
            return true;
        }

        private static NordPayException Unreadable(PersistedProfile profile, string why) =>
            new NordPayException("PersistedKeyUnreadable", ErrorKind.InvalidOperation,
                $"The key of profile '{profile.Name}' cannot be read: {why}.", "Profile",
                recommendedAction: $"Set it again with Set-NordPayApiKey -Profile {profile.Name} -Scope CurrentUser, as the account that runs the job.");

        private PersistedProfile Save(PersistedProfile profile)
        {
            var profiles = Load();
            profiles.TryGetValue(profile.Name, out var old);
            profiles[profile.Name] = profile;
            Write(profiles);
            if (old?.KeyFile != null && old.KeyFile != profile.KeyFile) DeleteKeyFile(old, profiles);
            return profile;
        }

        // {"profile": name, "key": key}. Files written before key files named their profile hold the bare key.
        private static string KeyFileText(string profile, string key)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString(KeyFileProfile, profile);
                w.WriteString(KeyFileKey, key);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private static (string? Profile, string Key) ParseKeyFile(string text)
        {
            var trimmed = text.Trim();
            if (!trimmed.StartsWith("{", StringComparison.Ordinal)) return (null, trimmed);
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty(KeyFileProfile, out var profile) && profile.ValueKind == JsonValueKind.String
                    && root.TryGetProperty(KeyFileKey, out var key) && key.ValueKind == JsonValueKind.String)
                    return (profile.GetString(), key.GetString()!);
            }
            catch (JsonException)
            {
            }
            return (null, trimmed);
        }

        private string ReadKeyFile(PersistedProfile profile)
        {
            var path = Path.Combine(Directory, profile.KeyFile ?? string.Empty);
            if (!File.Exists(path)) throw Unreadable(profile, $"its key file {path} is missing");
            var (owner, key) = ParseKeyFile(File.ReadAllText(path));
            if (owner != null && owner != profile.Name)
                throw Unreadable(profile, $"its key file {path} belongs to profile '{owner}'");
            if (owner == null && SharingKeyFile(profile, Load()) is { } other)
                throw Unreadable(profile, $"its key file {path} is shared with profile '{other}' (an earlier version gave names that differ only " +
                                          "in characters a file name cannot hold one file), so it may hold that profile's key");
            if (profile.KeyHint != Redactor.Mask && Redactor.Hint(key) != profile.KeyHint)
                throw Unreadable(profile, $"its key file {path} holds a key other than the one set for it (which ends {profile.KeyHint})");
            return key;
        }

        // A profile's own key file goes with it; a file of an earlier version that another profile also names stays for that profile.
        private void DeleteKeyFile(PersistedProfile profile, Dictionary<string, PersistedProfile> remaining)
        {
            if (profile.KeyFile == null) return;
            var path = Path.Combine(Directory, profile.KeyFile);
            if (!File.Exists(path)) return;
            var owner = ParseKeyFile(File.ReadAllText(path)).Profile;
            if (owner == null ? SharingKeyFile(profile, remaining) == null : owner == profile.Name) File.Delete(path);
        }

        private static string? SharingKeyFile(PersistedProfile profile, Dictionary<string, PersistedProfile> profiles) =>
            profiles.Values.FirstOrDefault(p => p.Name != profile.Name && p.KeyFile != null
                                                && string.Equals(p.KeyFile, profile.KeyFile, StringComparison.OrdinalIgnoreCase))?.Name;

        private Dictionary<string, PersistedProfile> Load()
        {
            var result = new Dictionary<string, PersistedProfile>(StringComparer.Ordinal);
            var path = Path.Combine(Directory, FileName);
            PrivateFiles.Verify(path);
            if (!File.Exists(path)) return result;
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("profiles", out var profiles)) return result;
            foreach (var entry in profiles.EnumerateObject())
            {
                var p = entry.Value;
                string? Text(string field) => p.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                result[entry.Name] = new PersistedProfile(entry.Name, new Uri(Text("baseUri")!),
                    (KeyStorage)Enum.Parse(typeof(KeyStorage), Text("storage")!), Text("keyHint") ?? Redactor.Mask,
                    DateTimeOffset.Parse(Text("setAt")!, System.Globalization.CultureInfo.InvariantCulture))
                {
                    ProtectedKey = Text("protectedKey"),
                    Vault = Text("vault"),
                    SecretName = Text("secretName"),
                    KeyFile = Text("keyFile"),
                };
            }
            return result;
        }

        private void Write(Dictionary<string, PersistedProfile> profiles)
        {
            EnsureDirectory();
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartObject("profiles");
                foreach (var p in profiles.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WriteStartObject(p.Name);
                    w.WriteString("baseUri", p.BaseUri.ToString());
                    w.WriteString("storage", p.Storage.ToString());
                    w.WriteString("keyHint", p.KeyHint);
                    w.WriteString("setAt", p.SetAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
                    if (p.ProtectedKey != null) w.WriteString("protectedKey", p.ProtectedKey);
                    if (p.Vault != null) w.WriteString("vault", p.Vault);
                    if (p.SecretName != null) w.WriteString("secretName", p.SecretName);
                    if (p.KeyFile != null) w.WriteString("keyFile", p.KeyFile);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            // Owner-only, written then renamed, so a crash never leaves half a file.
            PrivateFiles.Write(Path.Combine(Directory, FileName), stream.ToArray());
        }

        private void EnsureDirectory()
        {
            if (!System.IO.Directory.Exists(Directory)) PrivateFiles.Folder(Directory);
        }

        // A readable part, which alone is not unique (test.box and test_box), then a hash of the exact name, which is.
        private static string KeyFileName(string name)
        {
            var readable = new string(name.Take(40).Select(c => c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_') ? c : '_').ToArray());
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(name));
            return $"{readable}-{BitConverter.ToString(hash, 0, 8).Replace("-", string.Empty).ToLowerInvariant()}.key";
        }

        private static string Reveal(SecureString key) => new NetworkCredential(string.Empty, key).Password;
    }
}
