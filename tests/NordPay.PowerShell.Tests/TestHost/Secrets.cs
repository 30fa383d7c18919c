using System.Management.Automation;
using Xunit;

namespace NordPay.Tests.TestHost;

/// <summary>
/// Asserts a key appears nowhere a user or a log could see it. Every PowerShellSession runs it after every
/// script for every key it was given, so the whole PowerShell test matrix runs with canary keys.
/// </summary>
public static class Secrets
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
        }
        if (result.Terminating != null) seen.Add(result.Terminating.ToString());
        Assert.DoesNotContain(seen, text => text.Contains(key, StringComparison.Ordinal));
    }

}
