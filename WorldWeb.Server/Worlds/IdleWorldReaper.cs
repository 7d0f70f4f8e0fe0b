using Microsoft.Extensions.Options;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Persistence;

namespace WorldWeb.Server.Worlds;

/// <summary>Once a second: autosaves live worlds that are due and unloads those nobody watches any more.</summary>
internal sealed partial class IdleWorldReaper(WorldDirectory directory, IOptions<WorldSessionOptions> options, WorkerFaults faults, TimeProvider clock,
    ILogger<IdleWorldReaper> logger) : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset idleBefore = Clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.IdleUnloadSeconds);
        Exception? failed = null;
        foreach (WorldSession session in directory.Live)
        {
            try
            {
                if (session.Viewers == 0 && session.IdleSince <= idleBefore)
                {
                    await directory.TryUnloadIdleAsync(session, idleBefore, cancellationToken);
                }
                else
                {
                    await directory.AutosaveIfDueAsync(session, cancellationToken);
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
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not save world {WorldId}; will try again")]
    private static partial void LogSaveFailed(ILogger logger, string worldId);
}
