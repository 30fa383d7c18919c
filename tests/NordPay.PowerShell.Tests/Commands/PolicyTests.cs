using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>
/// Set-, Get- and Remove-NordPayPolicy, and the policy as the two-step cmdlets obey it: every refusal is a row error
/// with its own ErrorId, and nothing is sent for it.
/// </summary>
public class PolicyTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    /// <summary>Each row error as (row, ErrorId, field), read from its message ("Row 3 (...), Amount: ...").</summary>
    internal static List<(int Row, string ErrorId, string Field)> Refusals(RunResult result) =>
        result.Errors.Select(e => (int.Parse(Regex.Match(e.ErrorDetails.Message, @"^Row (\d+)").Groups[1].Value), e.FullyQualifiedErrorId.Split(',')[0],
            Regex.Match(e.ErrorDetails.Message, @"^Row \d+(?: \(.*?\))?, (\w+):").Groups[1].Value)).ToList();

    internal static void SetPolicy(PowerShellSession ps, string parameters, params object?[] args)
    {
        var result = ps.Run("Set-NordPayPolicy " + parameters + " -Confirm:$false", args);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
    }

    internal static string WriteBook(params (string Currency, string Address)[] entries)
    {
        var path = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "addresses.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, entries.Select((e, i) => $"\"{e.Currency}\",\"{e.Address}\",\"payee {i + 1}\"").Prepend("\"Currency\",\"Address\",\"Label\""));
        return path;
    }

    private static NordPayPolicy Policy(PowerShellSession ps, string parameters = "") => Assert.Single(ps.Run("Get-NordPayPolicy " + parameters).Objects<NordPayPolicy>());

    private static string ErrorId(ErrorRecord? record) => record!.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>
    /// A policy's creation declined at its prompt (the prompt), shown by -WhatIf (its line), looked for; then set with
    /// -PassThru, changed (the prompts then), read; then set by a job that cannot prompt (whether policies.json exists after).
    /// </summary>
    private sealed record PolicyChanges(RunResult Declined, string DeclinedPrompt, List<string> WhatIfLines, RunResult LookedFor, RunResult Set,
        List<string> Prompts, NordPayPolicy Changed, RunResult ByAJob, bool PersistedByTheJob);

    private PolicyChanges ChangesOfAPolicy => runs.Of(nameof(PolicyChanges), () =>
    {
        var ps = runs.Keep(PowerShellSession.Interactive());
        ps.UI.ChoiceAnswers.Enqueue("No");
        var declined = ps.Run("Set-NordPayPolicy USDTTRC20 -MaxPerPayout 50 -MaxPerRun 100 -MaxPerDay 150");
        var declinedPrompt = Assert.Single(ps.UI.Prompts);
        ps.Run("Set-NordPayPolicy USDTTRC20 -MaxPerPayout 50 -MaxPerRun 100 -WhatIf");
        var (whatIfLines, lookedFor) = (ps.UI.WhatIfLines.ToList(), ps.Run("Get-NordPayPolicy"));
        ps.UI.ChoiceAnswers.Enqueue("Yes");
        var set = ps.Run("Set-NordPayPolicy USDTTRC20 -MaxPerPayout '50.10' -MaxPerRun 100 -PassThru");
        ps.UI.ChoiceAnswers.Enqueue("Yes");
        ps.Run("Set-NordPayPolicy USDTTRC20 -MaxPerPayout 60 -MaxPerRun 100");
        var (prompts, changed) = (ps.UI.Prompts.ToList(), Policy(ps));
        using var job = PowerShellSession.Unattended(ps.Store);
        var byAJob = job.Run("Set-NordPayPolicy BTC -MaxPerPayout 1 -MaxPerRun 1 -Scope CurrentUser");
        return new PolicyChanges(declined, declinedPrompt, whatIfLines, lookedFor, set, prompts, changed, byAJob, File.Exists(Path.Combine(ps.Store.Directory, "policies.json")));
    });

    [Fact]
    public void Every_change_of_policy_is_confirmed_at_a_prompt_saying_what_it_changes()
    {
        var run = ChangesOfAPolicy;
        Assert.Contains("Create the policy with USDTTRC20: at most 50 per payout, 100 per run, 150 per day; from then on only the currencies it sets limits for are paid",
            run.DeclinedPrompt);
        Assert.Contains("Set USDTTRC20: at most 60 per payout, 100 per run, no day limit (was: USDTTRC20: at most 50.10 per payout, 100 per run, no day limit)",
            run.Prompts.Last());
    }

    [Fact]
    public void A_change_of_policy_declined_or_run_with_WhatIf_changes_nothing()
    {
        var run = ChangesOfAPolicy;
        Assert.Empty(run.Declined.Output);
        Assert.Contains("NordPay payout policy of profile 'default' for this PowerShell process", Assert.Single(run.WhatIfLines));
        Assert.Equal("PolicyNotFound", ErrorId(Assert.Single(run.LookedFor.Errors)));
    }

    [Fact]
    public void A_confirmed_change_of_policy_sets_the_limits_exactly_as_given()
    {
        var run = ChangesOfAPolicy;
        var set = Assert.Single(run.Set.Objects<NordPayPolicy>());
        Assert.Equal(("default", NordPayKeyScope.Process, "50.10", null), (set.Profile, set.Scope, Amount.Format(set.Limits.Single().MaxPerPayout), set.Limits.Single().MaxPerDay));
        Assert.Equal(60m, run.Changed.Limits.Single().MaxPerPayout);
    }

    [Fact]
    public void A_job_without_a_prompt_cannot_change_a_policy()
    {
        var run = ChangesOfAPolicy;
        Assert.Equal("ConfirmationNeedsInteractiveHost", ErrorId(run.ByAJob.TerminatingRecord));
        Assert.False(run.PersistedByTheJob);
    }

    /// <summary>
    /// A policy persisted (policies.json's mode), read by a later session, which sets a session policy over it, lists both,
    /// looks for another profile's; then removes the session's, limits and a book the persisted one lacks, the persisted
    /// one, and then both scopes' once more.
    /// </summary>
    private sealed record PersistedThenSession(UnixFileMode? FileMode, NordPayPolicy Persisted, NordPayPolicy SessionFirst, NordPayPolicy PersistedAfter,
        List<NordPayKeyScope> Listed, RunResult OtherProfile, RunResult SessionRemoved, NordPayPolicy AfterRemovingTheSessions, RunResult NotThere,
        NordPayPolicy WithoutLimits, RunResult PersistedRemoved, RunResult RemovedAgain);

    private PersistedThenSession PersistedPolicyInALaterSession => runs.Of(nameof(PersistedThenSession), () =>
    {
        var ps = runs.Keep(PowerShellSession.Interactive());
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -Scope CurrentUser");
        var file = Path.Combine(ps.Store.Directory, "policies.json");
        UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(file);

        var later = runs.Keep(PowerShellSession.Interactive(ps.Store));
        var persisted = Policy(later);
        SetPolicy(later, "USDTBEP20 -MaxPerPayout 5 -MaxPerRun 5");
        var (sessionFirst, persistedAfter) = (Policy(later), Policy(later, "-Scope CurrentUser"));
        var listed = later.Run("Get-NordPayPolicy -ListAvailable").Objects<NordPayPolicy>().Select(p => p.Scope).ToList();
        var otherProfile = later.Run("Get-NordPayPolicy payroll");
        var sessionRemoved = later.Run("Remove-NordPayPolicy -Confirm:$false");
        var afterRemoving = Policy(later);
        var notThere = later.Run("Remove-NordPayPolicy -Currency USDTBEP20, BTC -AddressBook -Scope CurrentUser -Confirm:$false");
        var withoutLimits = Policy(later);
        var persistedRemoved = later.Run("Remove-NordPayPolicy -Scope CurrentUser -Confirm:$false");
        return new PersistedThenSession(mode, persisted, sessionFirst, persistedAfter, listed, otherProfile, sessionRemoved, afterRemoving, notThere, withoutLimits,
            persistedRemoved, later.Run("Remove-NordPayPolicy -Scope Process, CurrentUser -Confirm:$false"));
    });

    [Fact]
    public void A_persisted_policy_is_readable_only_by_its_owner()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, PersistedPolicyInALaterSession.FileMode);
    }

    [Fact]
    public void A_persisted_policy_binds_later_sessions()
    {
        var persisted = PersistedPolicyInALaterSession.Persisted;
        Assert.Equal((NordPayKeyScope.CurrentUser, "USDTBEP20", 10m), (persisted.Scope, persisted.Limits.Single().Currency, persisted.Limits.Single().MaxPerPayout));
    }

    [Fact]
    public void The_session_policy_comes_before_the_persisted_one()
    {
        var run = PersistedPolicyInALaterSession;
        Assert.Equal(NordPayKeyScope.Process, run.SessionFirst.Scope);
        Assert.Equal(run.Persisted.Fingerprint, run.PersistedAfter.Fingerprint);
        Assert.Equal(new[] { NordPayKeyScope.Process, NordPayKeyScope.CurrentUser }, run.Listed);
    }

    [Fact]
    public void The_policy_of_a_profile_without_one_is_not_found() => Assert.Equal("PolicyNotFound", ErrorId(Assert.Single(PersistedPolicyInALaterSession.OtherProfile.Errors)));

    [Fact]
    public void Remove_NordPayPolicy_removes_the_session_policy_leaving_the_persisted_one()
    {
        var run = PersistedPolicyInALaterSession;
        Assert.Empty(run.SessionRemoved.Errors);
        Assert.Equal(NordPayKeyScope.CurrentUser, run.AfterRemovingTheSessions.Scope);
    }

    [Fact]
    public void Removing_limits_or_a_book_a_policy_lacks_is_PolicyNotFound_for_each()
    {
        var notThere = PersistedPolicyInALaterSession.NotThere;
        Assert.Equal(new[] { ("PolicyNotFound", "AddressBook"), ("PolicyNotFound", "Currency") }, notThere.Errors.Select(e => (ErrorId(e), ((NordPayException)e.Exception).Field!)));
        Assert.Contains("has no policy with limits for BTC in scope CurrentUser", notThere.Errors[1].ErrorDetails.Message);
    }

    [Fact]
    public void A_policy_whose_last_limits_were_removed_is_kept_without_limits() =>
        Assert.Empty(PersistedPolicyInALaterSession.WithoutLimits.Limits); // a policy without limits pays nothing

    [Fact]
    public void Removing_a_policy_that_is_gone_is_PolicyNotFound()
    {
        var run = PersistedPolicyInALaterSession;
        Assert.Empty(run.PersistedRemoved.Errors);
        Assert.Equal("PolicyNotFound", ErrorId(Assert.Single(run.RemovedAgain.Errors)));
    }

    [Fact]
    public void Limits_piped_from_a_file_are_read_exactly()
    {
        var policy = Assert.Single(LimitsFromAFile.Objects<NordPayPolicy>());
        Assert.Equal(new[] { ("TRX", "5", "5.000", (decimal?)5m), ("USDTTRC20", "500", "2000", null) },
            policy.Limits.Select(l => (l.Currency, Amount.Format(l.MaxPerPayout), Amount.Format(l.MaxPerRun), l.MaxPerDay)));
    }

    [Fact]
    public void A_bad_row_of_limits_fails_alone()
    {
        var result = LimitsFromAFile;
        Assert.Equal(new[] { (2, "InvalidAmountFormat", "MaxPerPayout"), (3, "PolicyLimitsInconsistent", "MaxPerPayout"), (4, "PolicyLimitsInconsistent", "MaxPerDay") },
            Refusals(result));
        Assert.Contains("-MaxPerPayout 0.5 is more than -MaxPerRun 0.1.", result.Errors[1].ErrorDetails.Message);
    }

    // Five rows of limits piped to Set-NordPayPolicy, three of them wrong.
    private RunResult LimitsFromAFile => runs.Of(nameof(LimitsFromAFile), () =>
    {
        var ps = runs.Keep(PowerShellSession.Interactive());
        Row Limit(string currency, string perPayout, string perRun, string perDay) => new(currency, perPayout, perRun, perDay);
        var rows = new[]
        {
            Limit("USDTTRC20", "500", "2000", ""), Limit("USDTBEP20", "1,5", "10", ""), Limit("BTC", "0.5", "0.1", "1"),
            Limit("ETH", "0.1", "0.2", "0.15"), Limit("TRX", "5", "5.000", "5"),
        }.Select(r => Rows.Row(("Currency", r.Currency), ("MaxPerPayout", r.PerPayout), ("MaxPerRun", r.PerRun), ("MaxPerDay", r.PerDay))).ToArray();
        return ps.Run("$args[0] | Set-NordPayPolicy -Confirm:$false -PassThru", (object)rows);
    });

    private sealed record Row(string Currency, string PerPayout, string PerRun, string PerDay);

    [Fact]
    public void An_address_book_is_imported_whole_or_not_at_all()
    {
        using var ps = PowerShellSession.Interactive();
        var book = WriteBook(("USDTTRC20", Rows.Tron(1)), ("USDTBEP20", Rows.Evm(2)));
        ps.UI.ChoiceAnswers.Enqueue("Yes");
        var set = Assert.Single(ps.Run("Set-NordPayPolicy -AddressBook $args[0] -PassThru", book).Objects<NordPayPolicy>());
        Assert.Contains($"Set the address book to the 2 addresses of {book} (1 USDTTRC20, 1 USDTBEP20); nothing is paid to any other address, and, with no limits yet, in no currency",
            ps.UI.Prompts.Single());
        Assert.Equal(new[] { ("USDTTRC20", Rows.Tron(1), "payee 1"), ("USDTBEP20", Rows.Evm(2), "payee 2") }, set.AddressBook!.Select(e => (e.Currency, e.Address, e.Label!)));
        Assert.Equal(book, set.AddressBookPath);

        File.AppendAllText(book, $"USDTBEP20,\"{Rows.Evm(3)}\u200B\",x\n");
        var refused = ps.Run("Set-NordPayPolicy -AddressBook $args[0] -Confirm:$false", book);
        Assert.Equal("AddressBookInvalid", ErrorId(refused.TerminatingRecord));
        Assert.Contains("Line 4 of " + book, refused.TerminatingRecord!.ErrorDetails.Message);
        Assert.Equal(set.Fingerprint, Policy(ps).Fingerprint);
        Assert.Equal("AddressBookNotFound", ErrorId(ps.Run("Set-NordPayPolicy -AddressBook $args[0] -Confirm:$false", book + ".missing").TerminatingRecord));
    }

    /// <summary>
    /// Seven rows requested under limits and an address book, with -WhatIf (its lines, what the sandbox received by
    /// then), then without; four rows over a limit, outside the book or in a currency with no limits.
    /// </summary>
    private sealed record RequestsUnderAPolicy(SandboxServer Sandbox, PSObject[] Rows, string PolicyName, RunResult WhatIf, int WhatIfLines,
        int ReceivedAfterWhatIf, RunResult Requested);

    private static readonly (int, string, string)[] FourRefused =
    {
        (2, "PolicyPayoutLimitExceeded", "Amount"), (3, "PolicyAddressNotInBook", "Address"), (4, "PolicyCurrencyNotAllowed", "Currency"),
        (6, "PolicyRunLimitExceeded", "Amount"),
    };

    private RequestsUnderAPolicy RequestedUnderAPolicy => runs.Of(nameof(RequestsUnderAPolicy), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var book = WriteBook(("USDTBEP20", Rows.Evm(1)), ("USDTBEP20", Rows.Evm(2)), ("USDTBEP20", Rows.Evm(3)), ("USDTTRC20", Rows.Tron(4)));
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20");
        SetPolicy(ps, "-AddressBook $args[0]", book);
        var rows = Rows.Payouts(
            ("USDTBEP20", Rows.Evm(1), "5"),
            ("USDTBEP20", Rows.Evm(2), "10.000000000000000001"),
            ("USDTBEP20", Rows.Evm(4), "5"),
            ("USDTTRC20", Rows.Tron(4), "30"),
            ("USDTBEP20", Rows.Evm(2), "10"),
            ("USDTBEP20", Rows.Evm(3), "6"),
            ("USDTBEP20", Rows.Evm(3), "5"));
        var whatIf = ps.Run("$args[0] | New-NordPayWithdrawRequest -WhatIf", (object)rows);
        var (lines, received) = (ps.UI.WhatIfLines.Count(), sandbox.State.Received.Count);
        return new RequestsUnderAPolicy(sandbox, rows, Policy(ps).Name, whatIf, lines, received, ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows));
    });

    // -WhatIf shows every refusal, and sends nothing at all.
    [Fact]
    public void WhatIf_shows_each_row_New_NordPayWithdrawRequest_would_refuse_with_nothing_sent()
    {
        var run = RequestedUnderAPolicy;
        Assert.Equal(FourRefused, Refusals(run.WhatIf));
        Assert.Equal(3, run.WhatIfLines);
        Assert.Equal(0, run.ReceivedAfterWhatIf);
    }

    [Fact]
    public void New_NordPayWithdrawRequest_refuses_each_row_over_a_limit_or_outside_the_book_sending_nothing_for_it()
    {
        var run = RequestedUnderAPolicy;
        var result = run.Requested;
        Assert.Equal(FourRefused, Refusals(result));
        foreach (var error in result.Errors) Assert.Contains(run.Rows, r => ReferenceEquals(r, error.TargetObject));
        Assert.Equal(ErrorCategory.SecurityError, result.Errors[1].CategoryInfo.Category);
        Assert.Equal(ErrorCategory.LimitsExceeded, result.Errors[3].CategoryInfo.Category);
        Assert.EndsWith("With this payout, this call's USDTBEP20 payouts total 21, more than the 20 policy " + run.PolicyName + " allows per run.",
            result.Errors[3].ErrorDetails.Message);
        Assert.Equal(3, run.Sandbox.Posts("withdraw/request"));
        Assert.Equal(new[] { (Rows.Evm(1), 5m), (Rows.Evm(2), 10m), (Rows.Evm(3), 5m) }, result.Objects<NordPayWithdrawRequest>().Select(r => (r.Address, r.Amount)));
    }

    // A lower-case EVM address of the book, a lower-case one of a checksummed entry, a Tron address not in it: requested.
    private RunResult BookInAnyCase => runs.Of(nameof(BookInAnyCase), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        // A book written in lower case (as many exports do), and one entry checksummed.
        var book = WriteBook(("USDTBEP20", Rows.Evm(1).ToLowerInvariant()), ("USDTBEP20", Rows.Evm(2)), ("USDTTRC20", Rows.Tron(3)));
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20");
        SetPolicy(ps, "USDTTRC20 -MaxPerPayout 10 -MaxPerRun 20");
        SetPolicy(ps, "-AddressBook $args[0]", book);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1"), ("USDTBEP20", Rows.Evm(2).ToLowerInvariant(), "1"), ("USDTTRC20", Rows.Tron(4), "1"));
        return ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows);
    });

    [Fact]
    public void An_EVM_address_matches_the_address_book_in_any_letter_case() =>
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(2).ToLowerInvariant() }, BookInAnyCase.Objects<NordPayWithdrawRequest>().Select(r => r.Address));

    [Fact]
    public void Another_address_matches_the_address_book_only_exactly() => Assert.Equal(new[] { (3, "PolicyAddressNotInBook", "Address") }, Refusals(BookInAnyCase));

    /// <summary>
    /// Four requests made before a policy was set, then confirmed under it with -Force -WhatIf (its lines, the confirms
    /// sent by then) and -Force; then the third confirmed by its bare identifier, with -Force and with -Force -WhatIf.
    /// </summary>
    private sealed record ConfirmedUnderAPolicy(SandboxServer Sandbox, NordPayWithdrawRequest[] Requests, RunResult WhatIf, int WhatIfLines,
        int ConfirmsAfterWhatIf, RunResult Confirmed, int ConfirmsAfterConfirming, Dictionary<string, RunResult> Bare);

    private static readonly (int, string, string)[] TwoRefusedAtConfirm = { (3, "PolicyRunLimitExceeded", "Amount"), (4, "PolicyCurrencyNotAllowed", "Currency") };

    private ConfirmedUnderAPolicy RequestsConfirmedUnderAPolicy => runs.Of(nameof(ConfirmedUnderAPolicy), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        // Requested before the policy was set: the confirm, which pays, checks them.
        var requests = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(
            ("USDTBEP20", Rows.Evm(1), "8"), ("USDTBEP20", Rows.Evm(2), "8"), ("USDTBEP20", Rows.Evm(3), "8"), ("USDTTRC20", Rows.Tron(4), "30"))).Objects<NordPayWithdrawRequest>().ToArray();
        Assert.Equal(4, requests.Length);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20");
        var whatIf = ps.Run("$args[0] | Confirm-NordPayWithdraw -Force -WhatIf", (object)requests);
        var (lines, confirmsAfterWhatIf) = (ps.UI.WhatIfLines.Count(), sandbox.Posts("withdraw/confirm"));
        var confirmed = ps.Run("$args[0] | Confirm-NordPayWithdraw -Force", (object)requests);
        var confirms = sandbox.Posts("withdraw/confirm");
        var bare = new[] { "-Force", "-Force -WhatIf" }.ToDictionary(force => force,
            force => ps.Run($"Confirm-NordPayWithdraw -Identifier $args[0] {force}", requests[2].Identifier.ToString()));
        return new ConfirmedUnderAPolicy(sandbox, requests, whatIf, lines, confirmsAfterWhatIf, confirmed, confirms, bare);
    });

    [Fact]
    public void Confirm_NordPayWithdraw_with_WhatIf_shows_the_piped_requests_the_policy_refuses_with_nothing_sent()
    {
        var run = RequestsConfirmedUnderAPolicy;
        Assert.Equal(TwoRefusedAtConfirm, Refusals(run.WhatIf));
        Assert.Equal(2, run.WhatIfLines);
        Assert.Equal(0, run.ConfirmsAfterWhatIf);
    }

    [Fact]
    public void Confirm_NordPayWithdraw_checks_piped_requests_again_whatever_Force_says()
    {
        var run = RequestsConfirmedUnderAPolicy;
        Assert.Equal(TwoRefusedAtConfirm, Refusals(run.Confirmed));
        Assert.Same(run.Requests[2], run.Confirmed.Errors[0].TargetObject);
        Assert.Equal(2, run.ConfirmsAfterConfirming);
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(2) }, run.Sandbox.State.Ledger.Select(w => w.Address));
    }

    [Theory]
    [InlineData("-Force")]
    [InlineData("-Force -WhatIf")]
    public void Confirm_NordPayWithdraw_under_a_policy_refuses_a_bare_identifier(string force)
    {
        var run = RequestsConfirmedUnderAPolicy;
        var error = Assert.Single(run.Bare[force].Errors);
        Assert.Equal(("PolicyNeedsRequest", ErrorCategory.SecurityError), (ErrorId(error), error.CategoryInfo.Category));
        Assert.Contains(run.Requests[2].Identifier.ToString(), error.ErrorDetails.Message);
        Assert.Equal(2, run.Sandbox.Posts("withdraw/confirm"));
    }

    [Fact]
    public void Confirm_NordPayWithdraw_refuses_under_a_policy_a_request_object_built_by_hand_whose_details_are_not_NordPays()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var request = Assert.Single(ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "8"))).Objects<NordPayWithdrawRequest>());
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 1 -MaxPerRun 1");

        // The request for 8 "edited" to 1 (PowerShell can only rebuild it): NordPay would pay the 8 it was asked for.
        var result = ps.Run("""
            $r = $args[0]
            [NordPay.Models.NordPayWithdrawRequest]::new($r.Identifier, $r.Currency, $r.Address, [decimal]1, $null, $null, $null, $r.ExpiresAt) |
                Confirm-NordPayWithdraw -Force
            """, request);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("PolicyNeedsRequest", ErrorCategory.SecurityError), (ErrorId(error), error.CategoryInfo.Category));
        Assert.IsType<NordPayWithdrawRequest>(error.TargetObject);
        Assert.Contains(request.Identifier.ToString(), error.ErrorDetails.Message);
        Assert.Equal(0, sandbox.Posts("withdraw/confirm"));
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void A_day_counts_what_the_history_shows_on_NordPays_UTC_day_across_calls_but_not_cancelled_withdrawals()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 30 -MaxPerRun 30 -MaxPerDay 30");
        const string pay = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";
        RunResult Pay(params string[] amounts) => ps.Run(pay, (object)amounts.Select((a, i) => Rows.Payout("USDTBEP20", Rows.Evm(i + 1), a)).ToArray());

        Assert.Empty(Pay("20").Errors);
        var requests = sandbox.Posts("withdraw/request");
        var second = Pay("15", "10");
        var refused = Assert.Single(second.Errors);
        Assert.Equal((1, "PolicyDayLimitExceeded", "Amount"), Refusals(second).Single());
        var day = sandbox.State.Now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"with the 20 USDTBEP20 of 1 withdrawal(s) NordPay's history shows on {day} (UTC, NordPay's clock; cancelled ones not counted) that is 35, more than the 30", refused.ErrorDetails.Message);
        Assert.Equal(requests + 1, sandbox.Posts("withdraw/request")); // 10 made the day's 30 exactly
        Assert.Equal(new[] { 20m, 10m }, sandbox.State.Ledger.Select(w => w.Amount));
        Assert.Equal("PolicyDayLimitExceeded", Refusals(Pay("0.000001")).Single().ErrorId);

        // A cancelled withdrawal paid nothing.
        sandbox.State.SetStatus(sandbox.State.Ledger[0].Id, "cancelled");
        Assert.Empty(Pay("15").Errors);
        Assert.Equal("PolicyDayLimitExceeded", Refusals(Pay("5.000001")).Single().ErrorId);

        // Past midnight UTC on NordPay's clock (the sandbox's Date header), yesterday's payouts no longer count.
        var now = sandbox.State.Now.UtcDateTime;
        sandbox.State.AdvanceClock(now.Date.AddDays(1) - now + TimeSpan.FromMinutes(1));
        var posts = sandbox.Posts("withdraw/confirm");
        Assert.Empty(Pay("30").Errors);
        Assert.Equal(posts + 1, sandbox.Posts("withdraw/confirm"));
    }

    [Fact]
    public void A_history_that_cannot_be_read_or_a_policy_file_that_cannot_be_read_sends_nothing()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 30 -MaxPerRun 30 -MaxPerDay 30");
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "balance/withdraws", Status = 503 });
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")));
        var error = Assert.Single(result.Errors);
        Assert.Equal("ServerError", ErrorId(error));
        Assert.Contains("NordPay's withdraw history could not be read, so what USDTBEP20 paid today is unknown and nothing was paid", error.ErrorDetails.Message);
        Assert.Equal(0, sandbox.State.PostsReceived);

        using var other = PowerShellSession.For(sandbox);
        Directory.CreateDirectory(other.Store.Directory);
        File.WriteAllText(Path.Combine(other.Store.Directory, "policies.json"), "{ torn");
        var unreadable = other.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")));
        Assert.Equal("PolicyFileUnreadable", ErrorId(unreadable.TerminatingRecord));
        Assert.Equal(0, sandbox.State.PostsReceived);
    }
}
