using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Worlds;

/// <summary>Once a second: autosaves live worlds that are due and unloads those nobody watches any more.</summary>
internal sealed class IdleWorldReaper(WorldDirectory directory, IOptions<WorldSessionOptions> options, TimeProvider clock, ILogger<IdleWorldReaper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                DateTimeOffset idleBefore = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.IdleUnloadSeconds);
                foreach (WorldSession session in directory.Live)
                {
                    try
                    {
                        if (session.Viewers == 0 && session.IdleSince <= idleBefore)
                        {
                            await directory.TryUnloadIdleAsync(session, idleBefore, stoppingToken);
                        }
                        else
                        {
                            await directory.AutosaveIfDueAsync(session, stoppingToken);
                        }
                    }
                    catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or TimeoutException)
                    {
                        logger.LogWarning(ex, "Could not save world {WorldId}; will try again", session.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
