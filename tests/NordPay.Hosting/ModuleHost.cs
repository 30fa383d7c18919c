using System.Globalization;
using System.Management.Automation.Host;

namespace NordPay.Hosting;

/// <summary>
/// The PowerShell host of an engine run in-process, in the thread's culture as pwsh runs. What a console would show
/// and ask goes to <paramref name="ui"/>: the tests' records it and answers from a script, the benchmark's keeps nothing.
/// </summary>
public sealed class ModuleHost(PSHostUserInterface ui) : PSHost
{
    private readonly Guid _id = Guid.NewGuid();

    public override PSHostUserInterface UI => ui;
    public override string Name => "NordPayHost";
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
