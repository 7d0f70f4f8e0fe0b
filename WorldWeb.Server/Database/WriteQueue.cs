using System.Collections.Concurrent;

namespace WorldWeb.Server.Database;

/// <summary>
/// What the tick makes and the database keeps, written in batches off the tick (the action log, memory changes).
/// A batch that cannot be written for now is kept, ahead of what came after it, for the next flush: nothing is lost or
/// reordered. <see cref="IsBacklogged"/> tells when so much waits (the database has been away a while) that worlds
/// should wait too. A batch the database refuses for good (<see cref="DatabaseFaults.IsPermanent"/>) would be refused
/// at every flush and hold everything behind it: its items are written again a key (a world) at a time, and the keys
/// still refused are dropped and reported (<see cref="WriteRefusedException"/>), so the other worlds go on.
/// </summary>
/// <param name="keyOf">What the database may refuse as one (the world an item belongs to).</param>
public sealed class WriteQueue<T>(int maxPending, Func<T, string> keyOf)
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
    /// <exception cref="TimeoutException">
    /// Within a <see cref="DatabaseBudget"/>, an earlier flush still holds the queue past the budget (the database is
    /// not answering): the caller is not held behind it.
    /// </exception>
    /// <exception cref="WriteRefusedException">The database refused some keys' items for good; they were dropped, the rest written.</exception>
    public async Task FlushAsync(Func<List<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (!await _flushGate.WaitAsync(DatabaseBudget.Statement ?? Timeout.InfiniteTimeSpan, cancellationToken))
        {
            throw new TimeoutException("an earlier write of this queue is still waiting for the database");
        }
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
            try
            {
                await write(batch, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !DatabaseFaults.IsTransient(ex))
            {
                // Refused as one batch: taken a key at a time, the refused keys are found and the others written.
                await WriteKeyByKeyAsync(batch, write, cancellationToken);
            }
            (_failed, _failedCount) = ([], 0);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>After a permanent refusal: each key's items alone; the refused ones dropped, a transient fault keeps what is left.</summary>
    private async Task WriteKeyByKeyAsync(List<T> batch, Func<List<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var refused = new List<(string Key, int Items, Exception Fault)>();
        try
        {
            foreach (IGrouping<string, T> group in batch.GroupBy(keyOf).ToList())
            {
                try
                {
                    await write([.. group], cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !DatabaseFaults.IsTransient(ex))
                {
                    refused.Add((group.Key, group.Count(), ex));
                }
                done.Add(group.Key);
            }
        }
        finally
        {
            List<T> left = [.. batch.Where(item => !done.Contains(keyOf(item)))];
            (_failed, _failedCount) = (left, left.Count);
        }
        if (refused.Count > 0)
        {
            throw new WriteRefusedException([.. refused.Select(r => r.Key)], refused.Sum(r => r.Items), refused[0].Fault);
        }
    }
}

/// <summary>The database refused some keys' items for good (bad data, a broken constraint); they were dropped so the others could be written.</summary>
public sealed class WriteRefusedException(IReadOnlyList<string> keys, int items, Exception fault)
    : Exception($"the database refused {items} items of {string.Join(", ", keys)} for good, and they were dropped so that the rest could be written: {fault.Message}", fault)
{
    public IReadOnlyList<string> Keys { get; } = keys;

    public int Items { get; } = items;
}
