using System.Management.Automation;
using NordPay.Pipeline;

namespace NordPay.Commands
{
    // Every PowerShell API a NordPay cmdlet uses goes through these, which check that the caller is on the pipeline
    // thread (the engine makes a cmdlet there). Workers get what they need as plain values read here, or hand their
    // reports to the pipeline thread through an EventPump.
    public abstract partial class NordPayCmdlet
    {
        private readonly PipelineThread _pipelineThread = new PipelineThread();

        protected new InvocationInfo MyInvocation => Checked(nameof(MyInvocation)).MyInvocation;

        protected new SessionState SessionState => Checked(nameof(SessionState)).SessionState;

        protected new object GetVariableValue(string name) => Checked(nameof(GetVariableValue)).GetVariableValue(name);

        protected new void WriteObject(object? sendToPipeline) => Checked(nameof(WriteObject)).WriteObject(sendToPipeline);

        protected new void WriteError(ErrorRecord errorRecord) => Checked(nameof(WriteError)).WriteError(errorRecord);

        protected new void WriteWarning(string text) => Checked(nameof(WriteWarning)).WriteWarning(text);

        protected new void WriteVerbose(string text) => Checked(nameof(WriteVerbose)).WriteVerbose(text);

        protected new void WriteDebug(string text) => Checked(nameof(WriteDebug)).WriteDebug(text);

        protected new void WriteProgress(ProgressRecord progressRecord) => Checked(nameof(WriteProgress)).WriteProgress(progressRecord);

        protected new void WriteInformation(object messageData, string[] tags) => Checked(nameof(WriteInformation)).WriteInformation(messageData, tags);

        protected new bool ShouldProcess(string target, string action) => Checked(nameof(ShouldProcess)).ShouldProcess(target, action);

        protected new void ThrowTerminatingError(ErrorRecord errorRecord) => Checked(nameof(ThrowTerminatingError)).ThrowTerminatingError(errorRecord);

        // This cmdlet as PowerShell's own PSCmdlet, once the caller is known to be on the pipeline thread.
        private PSCmdlet Checked(string api)
        {
            _pipelineThread.Check(api);
            return this;
        }
    }
}
