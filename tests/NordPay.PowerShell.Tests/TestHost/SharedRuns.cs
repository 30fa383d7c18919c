using System.Collections.Concurrent;

namespace NordPay.Tests.TestHost;

/// <summary>
/// Runs that several tests each assert one thing of, so that a sandbox and a runspace start once for all of them: a
/// class fixture. A run starts when a test first asks for it by name (a filtered test starts only the runs it asks
/// for), and its failure fails each test that asks; what a run keeps (its sandbox, its session) is disposed, last kept
/// first, with the test class.
/// </summary>
public sealed class SharedRuns : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _runs = new();
    private readonly ConcurrentStack<IDisposable> _kept = new();

    public T Of<T>(string name, Func<T> run) where T : notnull => (T)_runs.GetOrAdd(name, _ => new Lazy<object>(() => run())).Value;

    public T Keep<T>(T disposable) where T : IDisposable
    {
        _kept.Push(disposable);
        return disposable;
    }

    public void Dispose()
    {
        while (_kept.TryPop(out var disposable)) disposable.Dispose();
    }
}
