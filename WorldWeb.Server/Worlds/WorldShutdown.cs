using WorldWeb.Server.Operations;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// Saves every live world when the server stops. Registered before the schedulers, so it stops after them
/// (hosted services stop in reverse order) and saves worlds that no longer move.
/// </summary>
internal sealed class WorldShutdown(WorldDirectory directory, ILogger<WorldShutdown> logger) : IHostedService
{
    private readonly StopOnce _stop = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(() => SaveAllAsync(cancellationToken));

    private async Task SaveAllAsync(CancellationToken cancellationToken)
    {
        int count = directory.Live.Count;
        await directory.SaveAllAsync(cancellationToken);
        logger.LogInformation("Saved {Count} live worlds at shutdown", count);
    }
}
