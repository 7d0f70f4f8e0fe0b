using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.Database;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.ActionLog;

/// <summary>
/// The append-only log of every applied action, the truth a world is replayed from. Steps append in memory;
/// <see cref="FlushAsync"/> writes one row per world per flush (its step range and actions as one byte each).
/// A batch that cannot be written is kept for the next flush (<see cref="WriteQueue{T}"/>); while <see cref="ActionLogOptions.MaxPending"/>
/// actions or more wait (the database has been away a while) <see cref="IsBacklogged"/> says so, and worlds wait.
/// </summary>
public sealed class WorldActionLog(IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock, IOptions<ActionLogOptions> options)
{
    private readonly WriteQueue<LoggedAction> _queue = new(options.Value.MaxPending, action => action.WorldId);

    public void Append(string worldId, long step, int action, string? who = null) => _queue.Enqueue(new LoggedAction(worldId, step, (byte)action, who));

    /// <summary>Actions not written yet: queued, or in a write that may yet fail.</summary>
    public int Pending => _queue.Pending;

    public bool IsBacklogged => _queue.IsBacklogged;

    public Task FlushAsync(CancellationToken cancellationToken) => _queue.FlushAsync(WriteAsync, cancellationToken);

    /// <summary>
    /// Writes the chunks and advances the worlds' steps in one transaction: a write that fails or is cancelled half-way
    /// (a server stopping mid-flush) leaves nothing behind, so requeuing its batch never writes a chunk twice.
    /// </summary>
    private async Task WriteAsync(List<LoggedAction> batch, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        string[] worldIds = batch.Select(a => a.WorldId).Distinct().ToArray();
        // The retrying strategy replays the whole transaction, so each attempt builds its own entities.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using WorldWebDbContext write = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await write.Database.BeginTransactionAsync(cancellationToken);
            // A world deleted since its steps were made takes its pending steps with it.
            HashSet<string> existing = await WorldRowLocks.LockExistingAsync(write, worldIds, cancellationToken);
            var lastSteps = new Dictionary<string, long>();
            DateTimeOffset now = clock.GetUtcNow();
            foreach (IGrouping<string, LoggedAction> world in batch.Where(a => existing.Contains(a.WorldId)).GroupBy(a => a.WorldId))
            {
                foreach (List<LoggedAction> run in ContiguousRuns(world.OrderBy(a => a.Step)))
                {
                    write.ActionLog.Add(new ActionLogChunk
                    {
                        WorldId = world.Key, FirstStep = run[0].Step, Actions = [.. run.Select(a => a.Action)],
                        Actors = ActorSpans.Encode([.. run.Select(a => a.Who)]), WrittenAt = now,
                    });
                }
                lastSteps[world.Key] = world.Max(a => a.Step);
            }
            await write.SaveChangesAsync(cancellationToken);
            foreach ((string worldId, long step) in lastSteps)
            {
                await write.Worlds.Where(w => w.Id == worldId && w.Step < step)
                    .ExecuteUpdateAsync(set => set.SetProperty(w => w.Step, step).SetProperty(w => w.UpdatedAt, now), cancellationToken);
            }
            // Once here the rows are written: a cancellation must not turn a commit into a requeue.
            await transaction.CommitAsync(CancellationToken.None);
        });
    }

    private static IEnumerable<List<LoggedAction>> ContiguousRuns(IEnumerable<LoggedAction> ordered)
    {
        var run = new List<LoggedAction>();
        foreach (LoggedAction action in ordered)
        {
            if (run.Count > 0 && action.Step != run[^1].Step + 1)
            {
                yield return run;
                run = [];
            }
            run.Add(action);
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
