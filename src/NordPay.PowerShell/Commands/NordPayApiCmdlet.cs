using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Policy;
using NordPay.Security;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Base of the cmdlets that call NordPay: key resolution, the client with the session's call settings
    /// and this call's overrides (named as Invoke-RestMethod names them), and Ctrl+C through StopProcessing.
    /// </summary>
    public abstract class NordPayApiCmdlet : NordPayCallSettingsCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly ConcurrentQueue<(LogLevel Level, string Text)> _log = new ConcurrentQueue<(LogLevel, string)>();
        private NordPayClient? _client;
        private NordPayConnection? _connection;
        private bool _policyResolved;
        private NordPayPolicy? _policy;
        private PolicyRun? _policyRun;

        /// <summary>The key for this call only; it wins over the session, the environment and persisted profiles.</summary>
        [Parameter]
        public SecureString? ApiKey { get; set; }

        /// <summary>The profile whose key to use; a profile that does not exist is an error.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Profile { get; set; }

        private protected override Redactor Redactor => _client?.Redactor ?? base.Redactor;

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>True for calls NordPay answers without a key (the currency list): with no key, none is sent.</summary>
        protected virtual bool AllowsAnonymous => false;

        /// <summary>The session's call settings, before this call's parameters apply.</summary>
        private protected virtual NordPayClientOptions SessionOptions => Session.Options;

        /// <summary>Which key the client uses, once it exists.</summary>
        protected NordPayApiKeyInfo? KeyInfo { get; private set; }

        /// <summary>Cancelled by Ctrl+C.</summary>
        protected CancellationToken Cancellation => _stopping.Token;

        /// <summary>Writes what the client logged while calls ran; on the pipeline thread only.</summary>
        protected void FlushLog()
        {
            while (_log.TryDequeue(out var line))
            {
                if (line.Level == LogLevel.Debug) WriteDebug(line.Text);
                else WriteVerbose(line.Text);
            }
        }

        public void Dispose()
        {
            // A run is over: what it paid is in the history every later run reads (a batch counts itself in as the run).
            _policyRun?.End();
            DayLedger.Process.End(this, DateTimeOffset.UtcNow);
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>
        /// Resolves the key, says which one is used, ensures TLS 1.2 and builds the client: each cmdlet calls it where it first
        /// needs NordPay (so -WhatIf, which may need nothing, needs no key), and again at no cost. With no key anywhere, nothing
        /// can succeed: a terminating error. Returns the client.
        /// </summary>
        private protected NordPayClient Connect()
        {
            if (_client != null) return _client;
            NordPayClientOptions options;
            (NordPayConnection Connection, NordPayApiKeyInfo Info, KeySource Source)? resolved;
            try
            {
                options = ApplyTo(SessionOptions);
                resolved = new KeyResolver(this, Session).Resolve(ApiKey, Profile);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, null);
            }
            if (resolved == null && AllowsAnonymous)
                resolved = (new NordPayConnection(NordPayConnection.DefaultBaseUri, new System.Security.SecureString()),
                    new NordPayApiKeyInfo(nameof(KeySource.None), NordPaySession.DefaultProfile, NordPayConnection.DefaultBaseUri, Security.Redactor.Mask, null), KeySource.None);
            if (resolved == null)
                throw Terminating(new NordPayException("ApiKeyNotSet", ErrorKind.AuthenticationError,
                    $"No NordPay API key is set: run Set-NordPayApiKey, or set the {KeyResolver.KeyVariable} environment variable for unattended jobs.",
                    recommendedAction: "Set-NordPayApiKey"), null);
            var (connection, info, source) = resolved.Value;
            KeyInfo = info;
            _connection = connection;
            WriteVerbose($"Using the API key {info.KeyHint} of profile '{info.Profile}' from {KeyResolver.Origin(source, info.Storage)} for {info.BaseUri}.");
            if (Tls.EnsureTls12()) WriteVerbose("Added TLS 1.2 to the protocols this process may use.");
            // Read here, on the pipeline thread, and handed to the client as plain values: it logs from worker threads.
            var debug = Wants("Debug", "DebugPreference");
            var verbose = Wants("Verbose", "VerbosePreference");
            return _client = new NordPayClient(connection, options, (level, text) => _log.Enqueue((level, text)),
                level => level == LogLevel.Debug ? debug : verbose, ProcessWide.Merchant(connection));
        }

        /// <summary>The client for this call, once <see cref="Connect"/> built it.</summary>
        private protected NordPayClient Client => _client ?? throw new InvalidOperationException("The client is built by Connect(), which was not called before it was used.");

        /// <summary>The account of the key this call uses (NordPayConnection.Account), which policies bind; null when there is no key at all (-WhatIf needs none).</summary>
        protected string? CallAccount
        {
            get
            {
                if (_connection != null) return _connection.Account;
                try
                {
                    return new KeyResolver(this, Session).Resolve(ApiKey, Profile)?.Connection.Account;
                }
                catch (NordPayException ex)
                {
                    throw Terminating(ex, null);
                }
            }
        }

        /// <summary>The payout policy of this call's profile or of the key it uses, read once (one that cannot be read stops the call); null when there is none.</summary>
        protected NordPayPolicy? AppliedPolicy
        {
            get
            {
                if (_policyResolved) return _policy;
                _policyResolved = true;
                try
                {
                    _policy = Session.ApplyingPolicy(Profile ?? NordPaySession.DefaultProfile, CallAccount);
                }
                catch (NordPayException ex)
                {
                    throw Terminating(ex, Profile);
                }
                if (_policy != null)
                    WriteVerbose($"Policy {_policy.Name} applies: {(_policy.Limits.Count == 0 ? "no currency may be paid" : string.Join("; ", _policy.Limits))}"
                                 + (_policy.AddressBook == null ? "; any address." : $"; only the {_policy.AddressBook.Count} addresses of its address book."));
                return _policy;
            }
        }

        /// <summary>The policy applied row by row, as the two-step cmdlets pay; null when there is none.</summary>
        private protected PolicyRun? PolicyRun =>
            _policyRun ??= AppliedPolicy is { } policy
                ? new PolicyRun(policy, currency => ReadConnected(token => PaidToday.ReadAsync(Client, currency, token)), CallAccount ?? string.Empty,
                    PaysOut && !WhatIfRequested(), DayLedger.Process,
                    AllowsRepeat ? null : RepeatGuardOf(policy))
                : null;

        /// <summary>The policy's repeat guard, reading the withdraw history through this call's client.</summary>
        private protected RepeatGuard RepeatGuardOf(NordPayPolicy policy) =>
            new RepeatGuard(policy, (currency, window) => ReadConnected(token => RepeatGuard.ReadSinceAsync(Client, currency, window, token)));

        // The policy reads the history only when a rule needs it (under -WhatIf too): that is where the call first needs NordPay.
        private T ReadConnected<T>(Func<CancellationToken, Task<T>> read)
        {
            Connect();
            return Await(read);
        }

        /// <summary>True when this call pays a repeat the policy's repeat guard would refuse (its -AllowRepeat); -Force never does.</summary>
        protected virtual bool AllowsRepeat => false;

        /// <summary>True for a cmdlet whose admitted payouts are paid (a confirm, not under -WhatIf), which other runs of the process count toward the day.</summary>
        protected virtual bool PaysOut => false;

        /// <summary>
        /// Admits a payout under the policy, which throws the rule it breaks (under -WhatIf too, whatever -Force says), then
        /// asks ShouldProcess. A payout not approved leaves the run's totals as they were, except under -WhatIf, which goes
        /// on counting as if it were paid, so that it shows every later payout a limit would stop.
        /// </summary>
        protected bool ProceedWithinPolicy(string currency, string address, decimal amount, string target, string action, bool force)
        {
            PolicyRun?.Admit(currency, address, amount);
            if (ShouldProceed(target, action, force)) return true;
            if (!WhatIfRequested()) PolicyRun?.Release(currency, address, amount);
            return false;
        }

        /// <summary>Whether a stream is shown (by -Verbose/-Debug, or the preference variable): unseen lines are not built.</summary>
        protected bool Wants(string parameter, string preference) =>
            MyInvocation.BoundParameters.TryGetValue(parameter, out var bound)
                ? ((SwitchParameter)bound).IsPresent
                : !(GetVariableValue(preference) is ActionPreference value && value == ActionPreference.SilentlyContinue)
                  && !(GetVariableValue(preference) is ActionPreference ignore && ignore == ActionPreference.Ignore);

        /// <summary>Waits for an API call on the pipeline thread; Ctrl+C cancels it.</summary>
        protected T Await<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                return call(_stopping.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
            }
        }

        /// <summary>
        /// Waits for a call no row can get past (each call of the read cmdlets): its failure stops the cmdlet
        /// with the error's own ErrorId and category, as the write cmdlets report it.
        /// </summary>
        protected T AwaitOrFail<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                return Await(call);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, null);
            }
        }

        /// <summary>Waits for work on the pipeline thread; Ctrl+C cancels it.</summary>
        protected void Await(Func<CancellationToken, Task> call) =>
            Await(async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            });
    }
}
