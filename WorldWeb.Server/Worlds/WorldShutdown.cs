namespace WorldWeb.Server.Worlds;

/// <summary>
/// Saves every live world when the server stops. Registered before the schedulers, so it stops after them
/// (hosted services stop in reverse order) and saves worlds that no longer move.
/// </summary>
internal sealed class WorldShutdown(WorldDirectory directory, ILogger<WorldShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        int count = directory.Live.Count;
        await directory.SaveAllAsync(cancellationToken);
        logger.LogInformation("Saved {Count} live worlds at shutdown", count);
    }
}
