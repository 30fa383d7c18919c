using NordPay.Api;
using NordPay.Policy;
using NordPay.Security;
using NordPay.Session;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Session;

/// <summary>
/// What one PowerShell session keeps to itself (keys, call settings) and what every session of the process shares (merchants,
/// -Scope Process policies), on session instances: no runspace is needed to tell them apart.
/// </summary>
public class NordPaySessionTests
{
    private static readonly Uri BaseUri = new("https://api.nord-pay.com/");

    private static KeyStore NewStore() => new(Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N")), new TestKeyProtector());

    private static NordPayPolicy ProcessPolicy(string profile) =>
        NordPayPolicy.Empty(profile, NordPayKeyScope.Process).WithLimit(new NordPayCurrencyLimit("BTC", 0.01m, 0.1m, 0.25m));

    [Fact]
    public void A_key_set_in_one_session_is_not_seen_by_another()
    {
        var first = new NordPaySession(NewStore());
        var second = new NordPaySession(NewStore());

        first.SetKey(NordPaySession.DefaultProfile, PowerShellSession.Secure("np_first_session_key_0123"), BaseUri);

        Assert.Null(second.Key(NordPaySession.DefaultProfile));
    }

    [Fact]
    public void Each_session_resolves_its_own_key()
    {
        var first = new NordPaySession(NewStore());
        var second = new NordPaySession(NewStore());
        first.SetKey(NordPaySession.DefaultProfile, PowerShellSession.Secure("np_first_session_key_0123"), BaseUri);
        second.SetKey(NordPaySession.DefaultProfile, PowerShellSession.Secure("np_other_session_key_4567"), BaseUri);

        // No cmdlet: a session key is found before any vault, the only thing the cmdlet is read for.
        var resolved = new KeyResolver(null!, first).Resolve(null, null);

        Assert.Equal(("Session", "...0123"), (resolved!.Value.Info.Source, resolved.Value.Info.KeyHint));
    }

    [Fact]
    public void Call_settings_set_in_one_session_leave_another_as_it_was()
    {
        var first = new NordPaySession(NewStore());
        var second = new NordPaySession(NewStore());

        first.Options = first.Options with { MaximumRetryCount = 0 };

        Assert.Equal(NordPayClientOptions.Default, second.Options);
    }

    [Fact]
    public void A_process_policy_set_in_one_session_applies_in_every_session_of_the_process()
    {
        // The process's one set of policies (no test store): a profile of this test's own, removed after.
        var profile = "session-tests-" + Guid.NewGuid().ToString("N");
        var first = new NordPaySession();
        try
        {
            first.SavePolicy(ProcessPolicy(profile));

            Assert.Equal(ProcessPolicy(profile).Fingerprint, new NordPaySession().Policy(profile, NordPayKeyScope.Process)?.Fingerprint);
        }
        finally
        {
            first.RemovePolicy(profile, NordPayKeyScope.Process);
        }
    }

    [Fact]
    public void A_session_of_a_test_store_keeps_its_process_policies_apart()
    {
        var store = NewStore();
        new NordPaySession(store).SavePolicy(ProcessPolicy("payroll"));

        Assert.Equal((true, false, false), (new NordPaySession(store).Policy("payroll", NordPayKeyScope.Process) != null,
            new NordPaySession(NewStore()).Policy("payroll", NordPayKeyScope.Process) != null, new NordPaySession().Policy("payroll", NordPayKeyScope.Process) != null));
    }

    [Fact]
    public void A_persisted_policy_is_kept_next_to_the_sessions_key_store()
    {
        var store = NewStore();

        new NordPaySession(store).SavePolicy(NordPayPolicy.Empty("payroll", NordPayKeyScope.CurrentUser));

        Assert.NotNull(new PolicyStore(store.Directory).Find("payroll"));
    }

    [Fact]
    public void What_the_process_learned_of_a_merchant_is_one_per_account_whichever_session_connects()
    {
        var key = "np_merchant_state_key_" + Guid.NewGuid().ToString("N");
        var merchant = ProcessWide.Merchant(new NordPayConnection(BaseUri, PowerShellSession.Secure(key)));

        Assert.Equal((true, false), (ReferenceEquals(merchant, ProcessWide.Merchant(new NordPayConnection(BaseUri, PowerShellSession.Secure(key)))),
            ReferenceEquals(merchant, ProcessWide.Merchant(new NordPayConnection(BaseUri, PowerShellSession.Secure(key + "x"))))));
    }
}
