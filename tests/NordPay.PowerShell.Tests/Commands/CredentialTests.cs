using System.Runtime.InteropServices;
using NordPay.Sandbox;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>
/// Persisted keys, profiles, Get/Remove-NordPayApiKey: what a security reviewer would ask for. Persisted keys
/// come after NORDPAY_API_KEY, which ApiKeyTests sets, so these run in its collection, one at a time.
/// </summary>
[Collection(nameof(ApiKeyTests))]
public class CredentialTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private static readonly object OneRow = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"));

    private static KeyStore NewStore(bool dpapi = true, bool failsToUnprotect = false) =>
        new(Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N")),
            new TestKeyProtector { IsAvailable = dpapi, FailsToUnprotect = failsToUnprotect });

    private static void AssertNoFileHolds(string directory, string secret, params string[] except)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => !except.Contains(Path.GetFileName(f))))
            Assert.DoesNotContain(secret, File.ReadAllText(file), StringComparison.Ordinal);
    }

    /// <summary>A key persisted with DPAPI by one session (what Set-NordPayApiKey output), then used by a later unattended one.</summary>
    private (SandboxServer Sandbox, KeyStore Store, RunResult Set, RunResult Later) DpapiKey => runs.Of(nameof(DpapiKey), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var store = NewStore();
        RunResult set;
        using (var first = PowerShellSession.Interactive(store))
        {
            first.Guard(sandbox.ApiKey);
            set = first.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Scope CurrentUser -PassThru", PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri);
        }
        using var later = PowerShellSession.Unattended(store);
        later.Guard(sandbox.ApiKey);
        return (sandbox, store, set, later.Run("$args[0] | New-NordPayWithdrawRequest -Verbose", OneRow));
    });

    [Fact]
    public void A_key_persisted_with_DPAPI_is_stored_encrypted()
    {
        var (sandbox, store, set, _) = DpapiKey;
        var info = Assert.Single(set.Objects<NordPayApiKeyInfo>());
        Assert.Equal(("CurrentUser", "Dpapi", "default"), (info.Source, info.Storage, info.Profile));
        AssertNoFileHolds(store.Directory, sandbox.ApiKey);
        Assert.Equal(KeyStorage.Dpapi, store.Find("default")!.Storage);
    }

    [Fact]
    public void A_key_persisted_with_DPAPI_is_used_by_a_later_session()
    {
        var later = DpapiKey.Later;
        Assert.Empty(later.Errors);
        Assert.Contains(later.Verbose, v => v.Contains("from the current user's Dpapi store", StringComparison.Ordinal));
    }

    [Fact]
    public void A_DPAPI_key_that_cannot_be_decrypted_is_a_clear_error()
    {
        using var sandbox = Sandboxes.Start();
        var store = NewStore();
        store.SaveProtected("default", sandbox.BaseUri, PowerShellSession.Secure(sandbox.ApiKey));
        using var otherAccount = PowerShellSession.Interactive(new KeyStore(store.Directory, new TestKeyProtector { FailsToUnprotect = true }));
        var result = otherAccount.Run("$args[0] | New-NordPayWithdrawRequest", OneRow);
        Assert.Equal("PersistedKeyUnreadable,NordPay.Commands.NewNordPayWithdrawRequestCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("Windows account and machine", result.TerminatingRecord.ErrorDetails.Message);
        Assert.Empty(sandbox.State.Received);
    }

    [Fact]
    public void Without_DPAPI_a_plain_key_is_not_persisted_unless_asked()
    {
        var store = NewStore(dpapi: false);
        using var ps = PowerShellSession.Interactive(store);
        ps.Guard("np_linux_key_0123456789");
        var refused = ps.Run("Set-NordPayApiKey -ApiKey $args[0] -Scope CurrentUser", PowerShellSession.Secure("np_linux_key_0123456789"));
        Assert.Equal("PlainTextPersistenceRefused,NordPay.Commands.SetNordPayApiKeyCommand", refused.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("-Vault", refused.TerminatingRecord.ErrorDetails.RecommendedAction);
        Assert.False(Directory.Exists(store.Directory) && Directory.EnumerateFiles(store.Directory).Any());
    }

    /// <summary>
    /// A key file opted into for profile ops, set in one session (its warnings, the file's name, its text and every
    /// other file's, their Unix modes), then used and removed by a later session.
    /// </summary>
    private sealed record OptedInKeyFile(SandboxServer Sandbox, KeyStore Store, RunResult Set, List<string> Warnings, string KeyFileName,
        Dictionary<string, string> Files, Dictionary<string, UnixFileMode> Modes, RunResult Used, RunResult Removed);

    private OptedInKeyFile KeyFileOptedIn => runs.Of(nameof(OptedInKeyFile), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var store = NewStore(dpapi: false);
        var ps = runs.Keep(PowerShellSession.Interactive(store));
        ps.Guard(sandbox.ApiKey);
        var set = ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Scope CurrentUser -AllowPlainTextFile -Profile ops", PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri);
        var keyFileName = store.Find("ops")!.KeyFile!;
        var files = Directory.EnumerateFiles(store.Directory, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(store.Directory, f), File.ReadAllText);
        var modes = new Dictionary<string, UnixFileMode>();
        if (!OperatingSystem.IsWindows())
            foreach (var name in new[] { keyFileName, "profiles.json", "." }) modes[name] = File.GetUnixFileMode(Path.Combine(store.Directory, name));

        using var later = PowerShellSession.Interactive(store);
        later.Guard(sandbox.ApiKey);
        var used = later.Run("$args[0] | New-NordPayWithdrawRequest -Profile ops", OneRow);
        return new OptedInKeyFile(sandbox, store, set, ps.UI.Warnings.ToList(), keyFileName, files, modes, used, later.Run("Remove-NordPayApiKey -Profile ops -Scope CurrentUser"));
    });

    [Fact]
    public void An_opted_in_key_file_is_warned_about()
    {
        var run = KeyFileOptedIn;
        Assert.Empty(run.Set.Errors);
        Assert.Contains(run.Warnings, w => w.Contains("stored in clear", StringComparison.Ordinal) && w.Contains("0600", StringComparison.Ordinal));
    }

    [Fact]
    public void An_opted_in_key_file_alone_holds_the_key_with_its_profile()
    {
        var run = KeyFileOptedIn;
        Assert.StartsWith("ops-", run.KeyFileName);
        using (var content = System.Text.Json.JsonDocument.Parse(run.Files[run.KeyFileName]))
        {
            Assert.Equal("ops", content.RootElement.GetProperty("profile").GetString());
            Assert.Equal(run.Sandbox.ApiKey, content.RootElement.GetProperty("key").GetString());
        }
        Assert.All(run.Files.Where(f => f.Key != run.KeyFileName), f => Assert.DoesNotContain(run.Sandbox.ApiKey, f.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void An_opted_in_key_file_is_readable_only_by_its_owner()
    {
        var run = KeyFileOptedIn;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, run.Modes[run.KeyFileName]);
        // The profiles too (each key's hint, vault and secret names, a DPAPI blob), as policies.json next to them.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, run.Modes["profiles.json"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, run.Modes["."]);
    }

    [Fact]
    public void An_opted_in_key_file_is_used_by_a_later_session() => Assert.Empty(KeyFileOptedIn.Used.Errors);

    [Fact]
    public void Remove_NordPayApiKey_deletes_an_opted_in_key_file()
    {
        var run = KeyFileOptedIn;
        Assert.Empty(run.Removed.Errors);
        Assert.False(File.Exists(Path.Combine(run.Store.Directory, run.KeyFileName)));
        Assert.Null(run.Store.Find("ops"));
    }

    private static RunResult SetKeyFile(PowerShellSession ps, string profile, SandboxServer sandbox) =>
        ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Scope CurrentUser -AllowPlainTextFile -Profile $args[2]",
            PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri, profile);

    /// <summary>A session on the store that guards the keys of every sandbox given.</summary>
    private static PowerShellSession Guarded(KeyStore store, params SandboxServer[] sandboxes)
    {
        var ps = PowerShellSession.Interactive(store);
        foreach (var sandbox in sandboxes) ps.Guard(sandbox.ApiKey);
        return ps;
    }

    /// <summary>Persists each profile's key in a key file, in a session of its own, as an earlier job would.</summary>
    private static void PersistKeyFiles(KeyStore store, params (string Profile, SandboxServer Sandbox)[] profiles)
    {
        using var ps = Guarded(store, profiles.Select(p => p.Sandbox).ToArray());
        foreach (var (profile, sandbox) in profiles) Assert.Empty(SetKeyFile(ps, profile, sandbox).Errors);
    }

    [Fact]
    public void Profile_names_that_differ_only_in_characters_a_file_name_cannot_hold_keep_their_own_key_files()
    {
        using var dotted = Sandboxes.Start();
        using var underscored = Sandboxes.Start();
        var store = NewStore(dpapi: false);
        PersistKeyFiles(store, ("test.box", dotted), ("test_box", underscored));
        Assert.NotEqual(store.Find("test.box")!.KeyFile, store.Find("test_box")!.KeyFile);

        using var later = Guarded(store, dotted, underscored);
        var info = Assert.Single(later.Run("Get-NordPayApiKey -Profile test.box").Objects<NordPayApiKeyInfo>());
        Assert.Equal("..." + dotted.ApiKey[^4..], info.KeyHint);
        var balance = later.Run("Get-NordPayBalance -Profile test.box -IncludeZero");
        Assert.Null(balance.Terminating);
        Assert.NotEmpty(balance.Objects<NordPayBalance>());
        Assert.Empty(underscored.State.Received);

        Assert.Empty(later.Run("Remove-NordPayApiKey -Profile test.box -Scope CurrentUser").Errors);
        var other = later.Run("Get-NordPayBalance -Profile test_box -IncludeZero");
        Assert.Null(other.Terminating);
        Assert.NotEmpty(other.Objects<NordPayBalance>());
    }

    [Fact]
    public void A_key_file_copied_over_another_profiles_is_refused_before_anything_is_sent()
    {
        using var first = Sandboxes.Start();
        using var second = Sandboxes.Start();
        var store = NewStore(dpapi: false);
        PersistKeyFiles(store, ("first", first), ("second", second));
        File.Copy(Path.Combine(store.Directory, store.Find("second")!.KeyFile!), Path.Combine(store.Directory, store.Find("first")!.KeyFile!), overwrite: true);

        using var later = Guarded(store, first, second);
        var result = later.Run("Get-NordPayBalance -Profile first");
        Assert.Equal("PersistedKeyUnreadable,NordPay.Commands.GetNordPayBalanceCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("belongs to profile 'second'", result.TerminatingRecord.ErrorDetails.Message);
        Assert.Empty(first.State.Received);
    }

    [Fact]
    public void Key_files_written_by_the_previous_version_still_read_unless_two_profiles_shared_one()
    {
        using var prod = Sandboxes.Start();
        using var dotted = Sandboxes.Start();
        using var underscored = Sandboxes.Start();
        var store = NewStore(dpapi: false);
        Directory.CreateDirectory(store.Directory);
        // As the previous version wrote them: test.box, then test_box, both in test_box.key, which holds test_box's key.
        string Entry(SandboxServer sandbox, string file) =>
            $$"""{"baseUri": "{{sandbox.BaseUri}}", "storage": "PlainTextFile", "keyHint": "...{{sandbox.ApiKey[^4..]}}", "setAt": "2026-11-20T10:00:00.0000000+00:00", "keyFile": "{{file}}"}""";
        File.WriteAllText(Path.Combine(store.Directory, "profiles.json"),
            $$$"""{"profiles": {"prod": {{{Entry(prod, "prod.key")}}}, "test.box": {{{Entry(dotted, "test_box.key")}}}, "test_box": {{{Entry(underscored, "test_box.key")}}} }}""");
        File.WriteAllText(Path.Combine(store.Directory, "prod.key"), prod.ApiKey);
        File.WriteAllText(Path.Combine(store.Directory, "test_box.key"), underscored.ApiKey);

        using var ps = Guarded(store, prod, dotted, underscored);
        Assert.Null(ps.Run("Get-NordPayBalance -Profile prod").Terminating);
        var shared = ps.Run("Get-NordPayBalance -Profile test.box");
        Assert.Equal("PersistedKeyUnreadable,NordPay.Commands.GetNordPayBalanceCommand", shared.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("shared with profile 'test_box'", shared.TerminatingRecord.ErrorDetails.Message);
        Assert.Empty(dotted.State.Received);

        // Set again, test.box gets a file of its own, and test_box alone reads the old one, whose key is its own.
        Assert.Empty(SetKeyFile(ps, "test.box", dotted).Errors);
        using var later = Guarded(store, prod, dotted, underscored);
        Assert.Null(later.Run("Get-NordPayBalance -Profile test.box").Terminating);
        Assert.Null(later.Run("Get-NordPayBalance -Profile test_box").Terminating);
        Assert.True(File.Exists(Path.Combine(store.Directory, "test_box.key")));
    }

    [Theory]
    [InlineData("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force")]
    [InlineData("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -WhatIf")]
    public void A_batch_reads_its_key_from_the_vault_no_more_often_than_it_did(string script)
    {
        using var sandbox = Sandboxes.Start();
        var store = NewStore(dpapi: false);
        var vault = "vault-" + Guid.NewGuid().ToString("N");
        using (var ps = PowerShellSession.Interactive(store))
        {
            FakeSecretManagement.ImportInto(ps);
            Assert.Empty(ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Vault $args[2] -SecretName NordPayKey",
                PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri, vault).Errors);
        }
        using var job = PowerShellSession.Unattended(store);
        job.Guard(sandbox.ApiKey);
        FakeSecretManagement.ImportInto(job);
        var before = FakeSecretManagement.Reads(job, vault, "NordPayKey");
        Assert.Empty(job.Run(script, OneRow, Journals.New()).Errors);
        // Once for the policy that binds the key's account, once for the client: each Get-Secret may prompt, or be a remote, audited call.
        Assert.Equal(before + 2, FakeSecretManagement.Reads(job, vault, "NordPayKey"));
    }

    /// <summary>A key set in a vault by one session, then used by an unattended job (the vault's reads of it before and after).</summary>
    private sealed record VaultKey(SandboxServer Sandbox, KeyStore Store, string Vault, RunResult Set, RunResult Job, int ReadsBefore, int ReadsAfter);

    private VaultKey KeyInAVault => runs.Of(nameof(VaultKey), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var store = NewStore(dpapi: false);
        var vault = "vault-" + Guid.NewGuid().ToString("N");
        RunResult set;
        using (var ps = PowerShellSession.Interactive(store))
        {
            ps.Guard(sandbox.ApiKey);
            FakeSecretManagement.ImportInto(ps);
            set = ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Vault $args[2] -SecretName NordPayKey -PassThru",
                PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri, vault);
        }
        using var job = PowerShellSession.Unattended(store);
        job.Guard(sandbox.ApiKey);
        FakeSecretManagement.ImportInto(job);
        var before = FakeSecretManagement.Reads(job, vault, "NordPayKey");
        var result = job.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", OneRow);
        return new VaultKey(sandbox, store, vault, set, result, before, FakeSecretManagement.Reads(job, vault, "NordPayKey"));
    });

    [Fact]
    public void A_vault_keeps_the_key_with_only_its_reference_persisted()
    {
        var run = KeyInAVault;
        Assert.Empty(run.Set.Errors);
        var info = Assert.Single(run.Set.Objects<NordPayApiKeyInfo>());
        Assert.Equal(("CurrentUser", "Vault", "..." + run.Sandbox.ApiKey[^4..]), (info.Source, info.Storage, info.KeyHint));
        AssertNoFileHolds(run.Store.Directory, run.Sandbox.ApiKey);
        var persisted = run.Store.Find("default")!;
        Assert.Equal((run.Vault, "NordPayKey"), (persisted.Vault, persisted.SecretName));
    }

    [Fact]
    public void An_unattended_job_reads_the_key_from_the_vault_for_each_call()
    {
        var run = KeyInAVault;
        Assert.Empty(run.Job.Errors);
        Assert.Single(run.Sandbox.State.Ledger);
        Assert.Equal(run.ReadsBefore + 2, run.ReadsAfter);
    }

    [Fact]
    public void Storing_a_key_in_a_vault_leaves_the_callers_variables_alone()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive(NewStore(dpapi: false));
        ps.Guard(sandbox.ApiKey);
        FakeSecretManagement.ImportInto(ps);
        var vault = "vault-" + Guid.NewGuid().ToString("N");
        var result = ps.Run("""
            $vault = 'mine'; $name = 'my name'; $key = 'my key'
            Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Vault $args[2] -SecretName NordPayKey
            "$vault|$name|$key"
            """, PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri, vault);
        Assert.Empty(result.Errors);
        Assert.Equal("mine|my name|my key", Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void A_vault_reference_to_a_missing_secret_is_refused()
    {
        using var ps = PowerShellSession.Interactive(NewStore(dpapi: false));
        FakeSecretManagement.ImportInto(ps);
        var result = ps.Run("Set-NordPayApiKey -Vault nowhere -SecretName missing");
        Assert.Equal("VaultSecretUnreadable,NordPay.Commands.SetNordPayApiKeyCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Empty(ps.Store.List());
        var process = ps.Run("Set-NordPayApiKey -Vault v -SecretName s -Scope Process");
        Assert.Equal("VaultNeedsCurrentUserScope", process.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    /// <summary>A session with the default profile on one sandbox and profile second on another, which paid one row on each.</summary>
    private (SandboxServer Main, SandboxServer Second, PowerShellSession Session) TwoProfilesPaid => runs.Of(nameof(TwoProfilesPaid), () =>
    {
        var main = runs.Keep(Sandboxes.Start());
        var second = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(main));
        ps.Guard(second.ApiKey);
        Assert.Empty(ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -Profile second", PowerShellSession.Secure(second.ApiKey), second.BaseUri).Errors);
        Assert.Empty(ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", OneRow).Errors);
        Assert.Empty(ps.Run("$args[0] | New-NordPayWithdrawRequest -Profile second | Confirm-NordPayWithdraw -Force -Profile second", OneRow).Errors);
        return (main, second, ps);
    });

    [Fact]
    public void Profiles_keep_accounts_apart()
    {
        var (main, second, _) = TwoProfilesPaid;
        Assert.Single(main.State.Ledger);
        Assert.Single(second.State.Ledger);
    }

    [Fact]
    public void A_missing_profile_is_never_replaced_by_another()
    {
        var (main, _, ps) = TwoProfilesPaid;
        var missing = ps.Run("$args[0] | New-NordPayWithdrawRequest -Profile typo", OneRow);
        Assert.Equal("ProfileNotFound,NordPay.Commands.NewNordPayWithdrawRequestCommand", missing.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(1, main.Posts("withdraw/request"));
        Assert.Equal("ProfileNotFound", ps.Run("Get-NordPayApiKey -Profile typo").TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void An_ApiKey_on_the_call_with_a_profile_that_exists_nowhere_is_ProfileNotFound_not_a_profile_without_a_policy()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var key = PowerShellSession.Secure(sandbox.ApiKey);
        // A job's policy is set for 'prod' (its key comes from a vault on each call); the job names 'Prod'.
        Assert.Empty(ps.Run("Set-NordPayPolicy -Profile prod -Currency USDTBEP20 -MaxPerPayout 1 -MaxPerRun 1 -Confirm:$false").Errors);
        // The proxy keeps any call on loopback: with no such profile, nothing says where else to send it.
        const string pay = "$args[1] | New-NordPayWithdrawRequest -ApiKey $args[0] -Profile {0} -Proxy http://127.0.0.1:1/ -MaximumRetryCount 0";

        var typo = ps.Run(string.Format(System.Globalization.CultureInfo.InvariantCulture, pay, "Prod"), key, OneRow);
        Assert.Equal("ProfileNotFound,NordPay.Commands.NewNordPayWithdrawRequestCommand", typo.TerminatingRecord?.FullyQualifiedErrorId);
        Assert.Empty(typo.Errors);

        // The profile of the policy exists: its policy applies to the call's key (-WhatIf: checked before any call).
        var named = ps.Run(string.Format(System.Globalization.CultureInfo.InvariantCulture, pay, "prod") + " -WhatIf", key, OneRow);
        Assert.Equal("PolicyPayoutLimitExceeded", Assert.Single(named.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(0, sandbox.Posts("withdraw/request"));
    }

    // A session with its key, and profile archive persisted with DPAPI.
    private static (SandboxServer Sandbox, PowerShellSession Session) SessionAndArchive()
    {
        var sandbox = Sandboxes.Start();
        var ps = PowerShellSession.For(sandbox);
        ps.Store.SaveProtected("archive", new Uri("https://api.nord-pay.com/v1/"), PowerShellSession.Secure("np_archive_key_0000abcd"));
        ps.Guard("np_archive_key_0000abcd");
        return (sandbox, ps);
    }

    [Fact]
    public void Get_NordPayApiKey_shows_where_each_key_comes_from()
    {
        var (sandbox, ps) = SessionAndArchive();
        using (sandbox)
        using (ps)
        {
            var current = Assert.Single(ps.Run("Get-NordPayApiKey").Objects<NordPayApiKeyInfo>());
            Assert.Equal(("Session", "default", sandbox.BaseUri, "..." + sandbox.ApiKey[^4..]), (current.Source, current.Profile, current.BaseUri, current.KeyHint));
            var archive = Assert.Single(ps.Run("Get-NordPayApiKey archive").Objects<NordPayApiKeyInfo>());
            Assert.Equal(("CurrentUser", "Dpapi", "...abcd"), (archive.Source, archive.Storage, archive.KeyHint));
            var all = ps.Run("Get-NordPayApiKey -ListAvailable").Objects<NordPayApiKeyInfo>().Select(i => (i.Source, i.Profile)).ToList();
            Assert.Contains(("Session", "default"), all);
            Assert.Contains(("CurrentUser", "archive"), all);
        }
    }

    [Fact]
    public void Remove_NordPayApiKey_forgets_by_scope()
    {
        var (sandbox, ps) = SessionAndArchive();
        using (sandbox)
        using (ps)
        {
            Assert.Empty(ps.Run("Remove-NordPayApiKey").Errors);
            var gone = ps.Run("Get-NordPayApiKey");
            Assert.Equal("ApiKeyNotFound,NordPay.Commands.GetNordPayApiKeyCommand", Assert.Single(gone.Errors).FullyQualifiedErrorId);
            Assert.Equal("ApiKeyNotFound", Assert.Single(ps.Run("Remove-NordPayApiKey").Errors).FullyQualifiedErrorId.Split(',')[0]);

            Assert.Empty(ps.Run("Remove-NordPayApiKey archive -Scope Process, CurrentUser -WhatIf").Errors);
            Assert.NotNull(ps.Store.Find("archive"));
            Assert.Empty(ps.Run("Remove-NordPayApiKey archive -Scope Process, CurrentUser").Errors);
            Assert.Null(ps.Store.Find("archive"));
        }
    }

    [Fact]
    public void An_explicit_key_on_the_call_wins_unseen_in_verbose_or_debug_output()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        ps.SetKey("np_wrong_session_key_1", sandbox.BaseUri);
        ps.Guard(sandbox.ApiKey);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -ApiKey $args[1] -Verbose -Debug", OneRow, PowerShellSession.Secure(sandbox.ApiKey));
        Assert.Empty(result.Errors);
        Assert.Contains(result.Verbose, v => v.Contains("from -ApiKey", StringComparison.Ordinal));
        Assert.Contains(result.Debug, d => d.Contains("\"amount\":\"5\"", StringComparison.Ordinal));
        Assert.Contains(result.Debug, d => d.Contains("answer (HTTP 200)", StringComparison.Ordinal));
    }
}
