using System.Management.Automation;
using Xunit;

namespace NordPay.Tests.TestHost;

/// <summary>
/// Asserts a key appears nowhere a user or a log could see it. Every PowerShellSession runs it after every
/// script for every key it was given, so the whole PowerShell test matrix runs with canary keys.
/// </summary>
internal static class Secrets
{
    public static void AssertNotLeaked(string key, RunResult result, TestHostUI ui)
    {
        var seen = new List<string> { ui.AllText() };
        // Base objects and plain properties only: script members would need the runspace's thread.
        seen.AddRange(result.Output.Select(o => o.BaseObject?.ToString() ?? string.Empty));
        seen.AddRange(result.Output.SelectMany(o => o.Properties
            .Where(p => p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
            .Select(p => p.Value?.ToString() ?? string.Empty)));
        seen.AddRange(result.Verbose);
        seen.AddRange(result.Debug);
        seen.AddRange(result.Warnings);
        seen.AddRange(result.Information.Select(i => i.MessageData?.ToString() ?? string.Empty));
        var errors = result.Errors.ToList();
        if (result.TerminatingRecord != null) errors.Add(result.TerminatingRecord);
        foreach (var error in errors)
        {
            seen.Add(error.ToString());
            seen.Add(error.Exception.ToString());
            seen.Add(error.ErrorDetails?.Message ?? string.Empty);
            seen.Add(error.TargetObject?.ToString() ?? string.Empty);
            if (error.Exception is NordPayException nordPay) seen.AddRange(new[] { nordPay.Field ?? string.Empty, nordPay.ApiDetail ?? string.Empty });
        }
        if (result.Terminating != null) seen.Add(result.Terminating.ToString());
        AssertNoneCarries(key, seen);
    }

    /// <summary>No text holds the key, nor any 12 characters of it in a row, in any letter case: a key cut in two still leaks.</summary>
    public static void AssertNoneCarries(string key, IEnumerable<string> texts)
    {
        var window = Math.Min(12, key.Length);
        var pieces = Enumerable.Range(0, key.Length - window + 1).Select(i => key.Substring(i, window)).ToList();
        foreach (var text in texts)
        {
            var leaked = pieces.FirstOrDefault(piece => text.Contains(piece, StringComparison.OrdinalIgnoreCase));
            Assert.True(leaked == null, $"'{leaked}' of the key is in: {text}");
        }
    }

}
