using System.Collections.Concurrent;

namespace WorldWeb.Server.Persistence;

/// <summary>
/// What the tick makes and the database keeps, written in batches off the tick (the action log, memory changes).
/// A batch that cannot be written is kept, ahead of what came after it, for the next flush: nothing is lost or
/// reordered. <see cref="IsBacklogged"/> tells when so much waits (the database has been away a while) that worlds
/// should wait too.
/// </summary>
public sealed class WriteQueue<T>(int maxPending)
{
    private readonly ConcurrentQueue<T> _pending = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private List<T> _failed = [];
    private int _failedCount;

    public void Enqueue(T item) => _pending.Enqueue(item);

    /// <summary>Items not written yet: queued, or in a write that failed or may yet fail.</summary>
    public int Pending => _pending.Count + Volatile.Read(ref _failedCount);

    public bool IsBacklogged => Pending >= maxPending;

    /// <summary>Writes everything queued so far, oldest first, with <paramref name="write"/>; on failure keeps it and throws.</summary>
    public async Task FlushAsync(Func<List<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            List<T> batch = _failed;
            while (_pending.TryDequeue(out T? item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                return;
            }
            (_failed, _failedCount) = (batch, batch.Count);
            await write(batch, cancellationToken);
            (_failed, _failedCount) = ([], 0);
        }
        finally
        {
            _flushGate.Release();
        }
    }
}
