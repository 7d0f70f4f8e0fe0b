
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// Saves every live world when the server stops. Registered before the schedulers, so it stops after them
/// (hosted services stop in reverse order) and saves worlds that no longer move.
/// </summary>
internal sealed class WorldShutdown(WorldDirectory directory, SessionSaver saver, ILogger<WorldShutdown> logger) : IHostedService
{
    private readonly StopOnce _stop = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(() => SaveAllAsync(cancellationToken));

    private async Task SaveAllAsync(CancellationToken cancellationToken)
    {
        int count = directory.Live.Count;
        int failed = await saver.SaveAllAsync(directory.Live, cancellationToken);
        logger.LogInformation("Saved {Saved} of {Count} live worlds at shutdown ({Failed} failed, each logged)", count - failed, count, failed);
    }
}
