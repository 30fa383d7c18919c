using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace NordPay.Tests.TestHost;

/// <summary>
/// Records every line written to the host ("What if:" lines included), progress, warnings and verbose
/// output, and answers confirmation prompts and secret prompts from queues set by the test.
/// </summary>
internal sealed class TestHostUI : PSHostUserInterface
{
    private readonly StringBuilder _partial = new();
    private readonly object _gate = new();

    public List<string> Lines { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<string> Verbose { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    /// <summary>The caption and message of every confirmation prompt shown.</summary>
    public List<string> Prompts { get; } = new();
    /// <summary>Answers to confirmation prompts: "Yes", "Yes to All", "No", "No to All".</summary>
    public Queue<string> ChoiceAnswers { get; } = new();
    public SecureString? SecretAnswer { get; set; }

    public IEnumerable<string> WhatIfLines => Snapshot(Lines).Where(l => l.StartsWith("What if:", StringComparison.Ordinal));

    public override PSHostRawUserInterface RawUI { get; } = new TestRawUI();

    public override void Write(string value) => Append(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
    public override void WriteLine(string value) => Append(value + "\n");
    public override void WriteErrorLine(string value) => Append(value + "\n");
    public override void WriteDebugLine(string message) { }
    public override void WriteVerboseLine(string message) { lock (_gate) Verbose.Add(message); }
    public override void WriteWarningLine(string message) { lock (_gate) Warnings.Add(message); }
    public override void WriteProgress(long sourceId, ProgressRecord record) { lock (_gate) Progress.Add(record); }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        string answer;
        lock (_gate)
        {
            Prompts.Add(caption + ": " + message);
            answer = ChoiceAnswers.Count > 0 ? ChoiceAnswers.Dequeue() : throw new InvalidOperationException("Unexpected prompt: " + message);
        }
        for (var i = 0; i < choices.Count; i++)
            if (choices[i].Label.Replace("&", string.Empty) == answer) return i;
        throw new InvalidOperationException($"No choice '{answer}' in: {string.Join(", ", choices.Select(c => c.Label))}");
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        var answers = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            if (field.ParameterTypeFullName != typeof(SecureString).FullName || SecretAnswer == null)
                throw new InvalidOperationException("Unexpected prompt for " + field.Name);
            answers[field.Name] = new PSObject(SecretAnswer);
        }
        return answers;
    }

    public override SecureString ReadLineAsSecureString() => SecretAnswer ?? throw new InvalidOperationException("Unexpected secret prompt");
    public override string ReadLine() => throw new InvalidOperationException("Unexpected ReadLine");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new InvalidOperationException("Unexpected credential prompt");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new InvalidOperationException("Unexpected credential prompt");

    public string AllText()
    {
        lock (_gate) return string.Join("\n", Lines) + _partial + string.Join("\n", Warnings) + string.Join("\n", Verbose) + string.Join("\n", Prompts);
    }

    private void Append(string text)
    {
        lock (_gate)
        {
            _partial.Append(text);
            var all = _partial.ToString();
            var lastBreak = all.LastIndexOf('\n');
            if (lastBreak < 0) return;
            Lines.AddRange(all[..lastBreak].Split('\n'));
            _partial.Clear().Append(all[(lastBreak + 1)..]);
        }
    }

    private List<string> Snapshot(List<string> list)
    {
        lock (_gate) return list.ToList();
    }
}

/// <summary>A fixed 120-column console: enough for the formatter.</summary>
internal sealed class TestRawUI : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
    public override Size BufferSize { get; set; } = new(120, 3000);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(120, 50);
    public override Size MaxWindowSize => new(120, 50);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(120, 50);
    public override string WindowTitle { get; set; } = "NordPay tests";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
