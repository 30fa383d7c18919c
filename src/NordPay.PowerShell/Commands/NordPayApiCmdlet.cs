using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Security;

namespace NordPay.Commands
{
    /// <summary>
    /// Base of the cmdlets that call NordPay: key resolution, the client with the session's call settings
    /// and this call's overrides (named as Invoke-RestMethod names them), and Ctrl+C through StopProcessing.
    /// </summary>
    public abstract class NordPayApiCmdlet : NordPayCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly ConcurrentQueue<string> _verbose = new ConcurrentQueue<string>();
        private NordPayClient? _client;

        /// <summary>Retries after the first attempt for this call; see Set-NordPayConfiguration.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int? MaximumRetryCount { get; set; }

        [Parameter]
        [ValidateRange(0.0, 600.0)]
        public double? RetryIntervalSec { get; set; }

        [Parameter]
        [ValidateRange(0.001, 3600.0)]
        public double? TimeoutSec { get; set; }

        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        protected override Redactor Redactor => _client?.Redactor ?? base.Redactor;

        protected override void StopProcessing() => _stopping.Cancel();

        public void Dispose()
        {
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>The client for this call. With no key anywhere, nothing can succeed: a terminating error.</summary>
        protected NordPayClient Client
        {
            get
            {
                if (_client != null) return _client;
                NordPayClientOptions options;
                (NordPayConnection Connection, NordPayApiKeyInfo Info)? resolved;
                try
                {
                    options = CallSettings.Apply(SessionSettings.Options, MaximumRetryCount, RetryIntervalSec, null, TimeoutSec,
                        Proxy, ProxyCredential, ProxyUseDefaultCredentials.IsPresent ? true : (bool?)null);
                    resolved = SessionSettings.ResolveKey();
                }
                catch (NordPayException ex)
                {
                    Fail(ex, null);
                    throw;
                }
                if (resolved == null)
                    Fail(new NordPayException("ApiKeyNotSet", ErrorKind.AuthenticationError,
                        $"No NordPay API key is set: run Set-NordPayApiKey, or set the {SessionSettings.KeyVariable} environment variable for unattended jobs.",
                        recommendedAction: "Set-NordPayApiKey"), null);
                var (connection, info) = resolved!.Value;
                WriteVerbose($"Using the {info.Source.ToLowerInvariant()} API key {info.KeyHint} for {info.BaseUri}.");
                _client = new NordPayClient(connection, options, _verbose.Enqueue);
                return _client;
            }
        }

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
                while (_verbose.TryDequeue(out var line)) WriteVerbose(line);
            }
        }
    }
}
