using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using NordPay.Addresses;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Module
{
    /// <summary>
    /// Tab completion for -Currency: the session's cached currency list (read once, with a short timeout),
    /// or, offline, the currencies NordPay listed as withdrawable when this module was built.
    /// </summary>
    public sealed class CurrencyCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(2);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            // Outside any cmdlet: the session is looked up here, once.
            var session = NordPaySession.Current();
            var currencies = session.Currencies ?? Fetch(session);
            var candidates = currencies != null
                ? currencies.Select(c => (c.Name, Tip: $"{c.Token ?? c.Name} on {c.Network}: {c.Decimals} decimals, minimum {(c.MinWithdraw is { } m ? Amount.Format(m) : "?")}{(c.Withdrawable ? string.Empty : ", not withdrawable now")}"))
                : KnownCurrencies.Names.Select(n => (Name: n, Tip: n + " (built-in list; run Get-NordPayCurrency for the live one)"));
            return candidates
                .Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .Select(c => new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, c.Tip))
                .ToList();
        }

        // One quick read per session, with the session's key and base URI when set; a failure leaves the built-in list.
        private static IReadOnlyList<NordPayCurrency>? Fetch(NordPaySession session)
        {
            var connection = session.Key(NordPaySession.DefaultProfile)?.Connection;
            if (connection == null) return null;
            try
            {
                using var timeout = new CancellationTokenSource(FetchTimeout);
                // Tab completion may come before any cmdlet of the module has run, which is where TLS 1.2 is otherwise added.
                Tls.EnsureTls12();
                var client = new NordPayClient(connection, session.Options with { MaximumRetryCount = 0, Timeout = FetchTimeout });
                return session.Currencies = client.GetCurrenciesAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is NordPayException || ex is OperationCanceledException)
            {
                return null;
            }
        }
    }
}
