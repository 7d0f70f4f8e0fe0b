using WorldWeb.Server.ActionLog;
using WorldWeb.Server.MemoryStorage;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Whether the background writers are too far behind for worlds to go on: while the database is away, actions and
/// memories wait in bounded queues, and once a queue is full worlds stop stepping rather than lose a step.
/// </summary>
public sealed class WriteBacklog(WorldActionLog log, MemoryStore memory)
{
    public const string PausedReason =
        "The database is unreachable and this world's last moves are not saved yet, so it is paused: no move is lost. It goes on by itself once the database is back.";

    public bool IsFull => log.IsBacklogged || memory.IsBacklogged;
}
