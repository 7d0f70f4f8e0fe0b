using Microsoft.EntityFrameworkCore;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.MemoryStorage;

/// <summary>
/// Memory entries in PostgreSQL (<c>memory_entries</c>). Worlds journal their changes on the tick; a background
/// writer flushes them in batches (<see cref="FlushAsync"/>), so the tick never waits for the database. An evicted
/// entry is only marked: a save may still hold it, and it is deleted once none does (<see cref="CollectAsync"/>).
/// </summary>
public sealed partial class MemoryStore(IDbContextFactory<WorldWebDbContext> contexts, MemoryMetrics metrics, ILogger<MemoryStore> logger)
{
    /// <summary>Memory changes at which worlds stop stepping until the database takes them (each holds a frame of a few hundred bytes as tokens, ~0.7 KB as JPEG).</summary>
    public const int MaxPending = 50_000;

    private readonly WriteQueue<MemoryChange> _queue = new(MaxPending, change => change.WorldId);

    /// <summary>Changes queued or in a write that may yet fail.</summary>
    public bool IsBacklogged => _queue.IsBacklogged;

    public IMemoryJournal JournalFor(string worldId) => new Journal(this, worldId);

    /// <summary>Writes every change journaled so far.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _queue.FlushAsync(async (batch, ct) =>
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        (int entries, long bytes) = await WriteAsync(batch, ct);
        metrics.Flushed(entries, bytes, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }, cancellationToken);

    /// <summary>
    /// The entries a world held at <paramref name="step"/> (named by its save). Entries written after that step are
    /// deleted first: replaying the log from the save writes them again, exactly.
    /// </summary>
    /// <exception cref="InvalidDataException">A stored frame is not one <paramref name="frames"/> can read.</exception>
    public async Task<List<MemoryEntry>> LoadAsync(string worldId, long step, MemorySnapshot held, MemoryFrameCodec frames, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.MemoryEntries.Where(e => e.WorldId == worldId && e.Step > step).ExecuteDeleteAsync(cancellationToken);
        long[] steps = held.Entries.Select(e => e.Step).ToArray();
        await db.MemoryEntries.Where(e => e.WorldId == worldId && steps.Contains(e.Step) && e.Evicted)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Evicted, false), cancellationToken);
        List<MemoryEntryRecord> rows = await db.MemoryEntries.AsNoTracking()
            .Where(e => e.WorldId == worldId && steps.Contains(e.Step)).OrderBy(e => e.Step).ToListAsync(cancellationToken);
        if (rows.Count != steps.Length)
        {
            LogMissing(logger, worldId, step, steps.Length - rows.Count);
        }
        return rows.Select(r => new MemoryEntry(r.Step, new Pose(r.X, r.Y, r.Heading), r.Frame, frames.Decode(r.Frame), r.Landmark)).ToList();
    }

    /// <summary>A fork starts with the memory its save had: copies those entries to the new world.</summary>
    public async Task CopyAsync(string fromWorldId, string toWorldId, long[] steps, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO memory_entries (world_id, step, x, y, heading, landmark, evicted, frame)
            SELECT {toWorldId}, step, x, y, heading, landmark, FALSE, frame FROM memory_entries
            WHERE world_id = {fromWorldId} AND step = ANY({steps})
            """, cancellationToken);
    }

    /// <summary>Deletes the evicted entries of a world that no save holds any more.</summary>
    public async Task<int> CollectAsync(string worldId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.ExecuteSqlInterpolatedAsync($"""
            DELETE FROM memory_entries m WHERE m.world_id = {worldId} AND m.evicted
            AND NOT EXISTS (SELECT 1 FROM saves s WHERE s.world_id = {worldId} AND m.step = ANY(s.memory_steps))
            """, cancellationToken);
    }

    /// <summary>Rows and frame bytes a world has in the store, evicted ones included.</summary>
    public async Task<(int Rows, long Bytes)> SizeAsync(string worldId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.MemoryEntries.Where(e => e.WorldId == worldId).Select(e => e.Frame.Length).ToListAsync(cancellationToken);
        return (rows.Count, rows.Sum(b => (long)b));
    }

    /// <summary>In one transaction (under the retrying strategy, which replays it whole), so a failed write leaves nothing.</summary>
    private async Task<(int Entries, long Bytes)> WriteAsync(List<MemoryChange> batch, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        string[] worldIds = batch.Select(c => c.WorldId).Distinct().ToArray();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            (int entries, long bytes) = (0, 0);
            await using WorldWebDbContext write = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await write.Database.BeginTransactionAsync(cancellationToken);
            // A world deleted since its steps were made takes its pending memories with it.
            HashSet<string> existing = await WorldRowLocks.LockExistingAsync(write, worldIds, cancellationToken);
            foreach (IGrouping<string, MemoryChange> world in batch.Where(c => existing.Contains(c.WorldId)).GroupBy(c => c.WorldId))
            {
                (Dictionary<long, MemoryEntryRecord> added, List<long> evicted) = Changes(world.Key, world);
                long[] steps = [.. added.Keys];
                // A row left by a world that was replayed past it is replaced, not duplicated.
                await write.MemoryEntries.Where(e => e.WorldId == world.Key && steps.Contains(e.Step)).ExecuteDeleteAsync(cancellationToken);
                write.MemoryEntries.AddRange(added.Values);
                if (evicted.Count > 0)
                {
                    await write.MemoryEntries.Where(e => e.WorldId == world.Key && evicted.Contains(e.Step))
                        .ExecuteUpdateAsync(set => set.SetProperty(e => e.Evicted, true), cancellationToken);
                }
                entries += added.Count;
                bytes += added.Values.Sum(r => (long)r.Frame.Length);
            }
            await write.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            return (entries, bytes);
        });
    }

    /// <summary>A world's queued changes as rows to add (an entry evicted in the same batch is added evicted) and steps to mark evicted.</summary>
    private static (Dictionary<long, MemoryEntryRecord> Added, List<long> Evicted) Changes(string worldId, IEnumerable<MemoryChange> changes)
    {
        var added = new Dictionary<long, MemoryEntryRecord>();
        var evicted = new List<long>();
        foreach (MemoryChange change in changes)
        {
            if (!change.Evicted)
            {
                MemoryEntry e = change.Entry;
                added[e.Step] = new MemoryEntryRecord
                {
                    WorldId = worldId, Step = e.Step, X = e.Pose.X, Y = e.Pose.Y, Heading = e.Pose.Heading, Landmark = e.Landmark, Frame = e.Encoded,
                };
            }
            else if (added.TryGetValue(change.Entry.Step, out MemoryEntryRecord? record))
            {
                record.Evicted = true;
            }
            else
            {
                evicted.Add(change.Entry.Step);
            }
        }
        return (added, evicted);
    }

    private sealed class Journal(MemoryStore store, string worldId) : IMemoryJournal
    {
        public void Added(MemoryEntry entry) => store._queue.Enqueue(new MemoryChange(worldId, entry, Evicted: false));

        public void Evicted(MemoryEntry entry) => store._queue.Enqueue(new MemoryChange(worldId, entry, Evicted: true));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId}: {Missing} memory entries of its save at step {Step} are missing from the store")]
    private static partial void LogMissing(ILogger logger, string worldId, long step, int missing);
}
