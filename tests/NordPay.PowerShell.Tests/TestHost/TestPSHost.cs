using System.Globalization;
using System.Management.Automation.Host;

namespace NordPay.Tests.TestHost;

/// <summary>A PowerShell host for tests: records what a console would show and answers prompts from a script.</summary>
public sealed class TestPSHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();

    public TestHostUI TestUI { get; } = new();
    public override PSHostUserInterface UI => TestUI;
    public override string Name => "NordPayTestHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId => _id;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}
