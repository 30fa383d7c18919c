using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NordPay.Hosting;
using System.Net;
using NordPay.Security;

namespace NordPay.Tests.TestHost;

/// <summary>What one script run produced, stream by stream.</summary>
internal sealed class RunResult
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<string> Verbose { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<string> Debug { get; } = new();
    public List<InformationRecord> Information { get; } = new();
    /// <summary>The terminating error that stopped the script, if any.</summary>
    public Exception? Terminating { get; set; }

    public ErrorRecord? TerminatingRecord => (Terminating as IContainsErrorRecord)?.ErrorRecord;

    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();
}

/// <summary>
/// A real PowerShell 7.6 session hosted in the test process: a runspace with the test host (or none,
/// as in an unattended job), the module imported by its manifest from out/NordPay.
/// </summary>
internal sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    private readonly HashSet<string> _secrets = new();

    private PowerShellSession(bool interactive, KeyStore? store)
    {
        _runspace = HostedEngine.OpenRunspace(interactive ? new ModuleHost(UI) : null);
        // Never the developer's own profiles: each session gets an empty store of its own unless a test shares one.
        Store = store ?? new KeyStore(Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N")), new TestKeyProtector());
        NordPay.Session.NordPaySession.UseKeyStore(_runspace, Store);
        var import = Run(HostedEngine.ImportModule, ModuleLayout.ManifestPath);
        if (import.Terminating != null) throw import.Terminating;
    }

    public KeyStore Store { get; }
    /// <summary>What the host showed and asked, and the answers it will give.</summary>
    public TestHostUI UI { get; } = new();

    /// <summary>A session with a console-like host that can prompt.</summary>
    public static PowerShellSession Interactive(KeyStore? store = null) => new(interactive: true, store);

    /// <summary>A session with no host UI, like a scheduled job: any prompt fails.</summary>
    public static PowerShellSession Unattended(KeyStore? store = null) => new(interactive: false, store);

    /// <summary>A session whose API key is set to the sandbox's, retrying after 5 ms instead of 0.5 s.</summary>
    public static PowerShellSession For(NordPay.Sandbox.SandboxServer sandbox, bool v1 = false)
    {
        var session = Interactive();
        session.SetKey(sandbox.ApiKey, v1 ? sandbox.V1BaseUri : sandbox.BaseUri);
        session.Run("Set-NordPayConfiguration -RetryIntervalSec 0.005");
        return session;
    }

    /// <summary>A secret this session must never show: every run is checked for it.</summary>
    public void Guard(string secret) => _secrets.Add(secret);

    public void SetKey(string key, Uri baseUri)
    {
        Guard(key);
        var result = Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1]", Secure(key), baseUri);
        if (result.Terminating != null || result.Errors.Count > 0) throw new InvalidOperationException("Set-NordPayApiKey failed");
    }

    public static System.Security.SecureString Secure(string text) => new NetworkCredential(string.Empty, text).SecurePassword;

    /// <summary>
    /// Runs a script; positional values are $args. A terminating error stops the whole script (as it
    /// would a scheduled job's) and is recorded in <see cref="RunResult.Terminating"/>.
    /// </summary>
    public RunResult Run(string script, params object?[] args)
    {
        var result = new RunResult();
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript("try {\n" + script + "\n} catch { throw }");
        foreach (var arg in args) ps.AddArgument(arg);
        try
        {
            result.Output.AddRange(ps.Invoke());
        }
        catch (RuntimeException ex)
        {
            result.Terminating = ex;
        }
        result.Errors.AddRange(ps.Streams.Error);
        result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
        result.Information.AddRange(ps.Streams.Information);
        result.Debug.AddRange(ps.Streams.Debug.Select(d => d.Message));
        foreach (var secret in _secrets.Append(Environment.GetEnvironmentVariable("NORDPAY_API_KEY")).OfType<string>().Where(s => s.Length > 0))
            Secrets.AssertNotLeaked(secret, result, UI);
        return result;
    }

    /// <summary>Starts a script without waiting for it, as a user does before pressing Ctrl+C.</summary>
    public (PowerShell Shell, IAsyncResult Running) Begin(string script, params object?[] args)
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var arg in args) ps.AddArgument(arg);
        return (ps, ps.BeginInvoke());
    }

    public void Dispose() => _runspace.Dispose();
}
