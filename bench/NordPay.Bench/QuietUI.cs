using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace NordPay.Bench;

/// <summary>A host UI that keeps nothing of what a console would print, so memory measures the module alone.</summary>
internal sealed class QuietUI : PSHostUserInterface
{
    public override PSHostRawUserInterface? RawUI => null;
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override string ReadLine() => string.Empty;
    public override SecureString ReadLineAsSecureString() => new();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => new();
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => defaultChoice;
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
}
