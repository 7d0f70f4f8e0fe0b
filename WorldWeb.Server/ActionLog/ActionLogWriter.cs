using Microsoft.Extensions.Options;

namespace WorldWeb.Server.ActionLog;

/// <summary>Flushes the action log on a timer, and once more when the server stops.</summary>
internal sealed class ActionLogWriter(WorldActionLog log, IOptions<ActionLogOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await log.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await log.FlushAsync(cancellationToken);
    }
}
