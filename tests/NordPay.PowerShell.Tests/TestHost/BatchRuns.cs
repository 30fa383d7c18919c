using NordPay.Batch;
using NordPay.Security;

namespace NordPay.Tests.TestHost;

/// <summary>What a batch run reported to the cmdlet, and what it asked.</summary>
internal sealed class RecordingHost : IBatchHost
{
    private readonly IReadOnlyList<PayoutRow> _rows;
    private readonly Func<string, string, bool> _approve;

    public RecordingHost(IReadOnlyList<PayoutRow> rows, Func<string, string, bool> approve) => (_rows, _approve) = (rows, approve);

    public List<BatchEvent> Events { get; } = new();
    public List<(string Target, string Action)> Asked { get; } = new();
    public List<PayoutEvent> Accounted { get; } = new();
    public int RowCount => _rows.Count;
    public bool ReportBehind => false;

    public IEnumerable<PayoutRow> Rows(bool paying) => _rows;

    public bool Approve(string target, string action)
    {
        Asked.Add((target, action));
        return _approve(target, action);
    }

    public void Report(BatchEvent e) => Events.Add(e);

    public void Account(PayoutEvent e) => Accounted.Add(e);

    public void Flush()
    {
    }

    public IEnumerable<PayoutEvent> Outcomes => Events.OfType<RowDone>().Select(d => d.Outcome);
    public IEnumerable<string> Paid => Outcomes.Where(o => o.Result != null).Select(o => o.Row.Reference);
    public IEnumerable<string> InDoubt => Outcomes.Where(o => o.InDoubt).Select(o => o.Row.Reference);
    public IEnumerable<string> AlreadyPaid => Events.OfType<RowAlreadyPaid>().Select(p => p.Row.Reference);
}

/// <summary>Batch runs against NordPay in memory (<see cref="FakeNordPay"/>), each as a process of its own would make it.</summary>
internal static class BatchRuns
{
    /// <summary>One run over the payouts, as Invoke-NordPayPayout makes it: rows identified by a fresh intake, the journal opened (not under -WhatIf).</summary>
    public static RecordingHost Run(FakeNordPay nordPay, string journal, IEnumerable<(string Reference, string Address, decimal Amount)> payouts,
        RunOptions? options = null, Func<string, string, bool>? approve = null, BatchTally? tally = null)
    {
        options ??= new RunOptions();
        var intake = new RowIntake();
        var rows = payouts.Select((p, i) => intake.Identify(i + 1, p.Reference, FakeNordPay.Currency, p.Address, p.Amount)).ToList();
        var host = new RecordingHost(rows, approve ?? ((_, _) => true));
        using var opened = options.WhatIf ? null : Journal.Open(journal, Redactor.None);
        new BatchRun(host, options, () => nordPay, opened, journal, BatchRun.Entries(opened, journal), intake, tally ?? new BatchTally()).Run(CancellationToken.None);
        return host;
    }
}
