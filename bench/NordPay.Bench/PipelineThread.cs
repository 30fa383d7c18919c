namespace NordPay.Bench;

internal static class PipelineThread
{
    /// <summary>
    /// Runs work as the cmdlets run: blocking on a thread of its own, as PowerShell's pipeline thread in pwsh, never a
    /// thread-pool thread.
    /// </summary>
    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return failure == null ? result : throw new InvalidOperationException("The run failed: " + failure.Message, failure);
    }
}
