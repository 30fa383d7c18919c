using System.Diagnostics;
using System.Management.Automation;

namespace NordPay.Bench;

/// <summary>
/// One pipeline kept running while rows are fed to it a chunk at a time, as a long CSV streams through pwsh:
/// the pipeline's chunks can then be timed in turn with other paths', under the same conditions.
/// </summary>
internal sealed class StreamingPipeline : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly PowerShell _ps;
    private readonly PSDataCollection<PSObject> _input = new();
    private readonly PSDataCollection<PSObject> _output = new();
    private readonly ManualResetEventSlim _chunkDone = new();
    private readonly List<double> _stamps = new();
    private readonly Stopwatch _clock = new();
    private readonly IAsyncResult _running;
    private int _expected;

    /// <param name="addCommands">Adds the commands; the rows are their input (a script would collect all input before its end block ran).</param>
    public StreamingPipeline(PowerShell ps, Action<PowerShell> addCommands)
    {
        _ps = ps;
        ps.Commands.Clear();
        ps.Streams.ClearStreams();
        addCommands(ps);
        // Runs on the pipeline thread: a timestamp per output, and one wake-up per chunk, not per row.
        _output.DataAdded += (_, _) =>
        {
            _stamps.Add(_clock.Elapsed.TotalMilliseconds);
            if (_stamps.Count == _expected) _chunkDone.Set();
        };
        _running = ps.BeginInvoke(_input, _output);
    }

    public Measurement Feed(IReadOnlyList<PSObject> rows)
    {
        _stamps.Clear();
        _chunkDone.Reset();
        _expected = rows.Count;
        _clock.Restart();
        foreach (var row in rows) _input.Add(row);
        if (!_chunkDone.Wait(Patience))
            throw new InvalidOperationException("The pipeline stopped answering: " +
                (_ps.Streams.Error.Count > 0 ? _ps.Streams.Error[0].ToString() : _ps.InvocationStateInfo.State.ToString()));
        var seconds = _clock.Elapsed.TotalSeconds;
        if (_ps.Streams.Error.Count > 0) throw new InvalidOperationException("A row failed: " + _ps.Streams.Error[0]);
        var latencies = _stamps.Select((stamp, i) => stamp - (i == 0 ? 0 : _stamps[i - 1])).ToList();
        _output.Clear();
        return new Measurement(rows.Count, seconds, latencies);
    }

    public void Dispose()
    {
        _input.Complete();
        _ps.EndInvoke(_running);
        _chunkDone.Dispose();
    }
}
