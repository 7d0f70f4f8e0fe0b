using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using WorldWeb.Server.Database;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// Once a second: autosaves live worlds that are due and unloads those nobody watches any more. Each model's worlds
/// are seen to in a chain of their own: unloading a world waits for its model's tick in flight, which a hung run holds
/// until it is terminated (<c>Stepping:RunTimeoutSeconds</c>), and the other models' autosaves and unloads must not
/// wait with it. A model whose chain is still at it is skipped until it is done.
/// </summary>
internal sealed partial class IdleWorldReaper(WorldDirectory directory, SessionSaver saver, IOptions<WorldSessionOptions> options, WorkerFaults faults, TimeProvider clock,
    ILogger<IdleWorldReaper> logger) : PeriodicWorker(faults, clock, logger)
{
    // Only RunOnceAsync touches it, one run at a time.
    private readonly Dictionary<string, Task> _chains = new(StringComparer.Ordinal);

    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset idleBefore = Clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.IdleUnloadSeconds);
        foreach (IGrouping<string, WorldSession> model in directory.Live.GroupBy(s => s.ModelName))
        {
            if (!_chains.TryGetValue(model.Key, out Task? chain) || chain.IsCompleted)
            {
                _chains[model.Key] = SeeToAsync([.. model], idleBefore, cancellationToken);
            }
        }
        // A round's worth of waiting for them, not a hung one's.
        await Task.WhenAny(Task.WhenAll(_chains.Values), Task.Delay(Every, Clock, cancellationToken));
        Exception? failed = null;
        foreach ((string model, Task chain) in _chains.Where(c => c.Value.IsCompleted).ToArray())
        {
            _chains.Remove(model);
            failed ??= chain.Exception?.InnerException;
        }
        if (failed is not null)
        {
            ExceptionDispatchInfo.Throw(failed);
        }
    }

    private async Task SeeToAsync(WorldSession[] sessions, DateTimeOffset idleBefore, CancellationToken cancellationToken)
    {
        Exception? failed = null;
        foreach (WorldSession session in sessions)
        {
            try
            {
                if (session.Viewers == 0 && session.IdleSince <= idleBefore)
                {
                    await directory.TryUnloadIdleAsync(session, idleBefore, cancellationToken);
                }
                else
                {
                    await saver.AutosaveIfDueAsync(session, cancellationToken);
                }
            }
            catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
            {
                // One world's save failing must not keep the others from theirs; the run reports it at the end.
                LogSaveFailed(logger, session.Id);
                failed = ex;
            }
        }
        if (failed is not null)
        {
            ExceptionDispatchInfo.Throw(failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not save world {WorldId}; will try again")]
    private static partial void LogSaveFailed(ILogger logger, string worldId);
}
