using WorldWeb.Server.Cluster;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Ends a world's play, for an owner, an admin or a limit: stopped (saved and unloaded; it can be joined again) or
/// deleted. Either way its streams end with the reason, and every client that joined it hears it (<c>WorldClosed</c>).
/// </summary>
public sealed class WorldEndings(LiveWorlds worlds, WorldDirectory directory, WorldStore store, IWorldNotices notices)
{
    /// <summary>Stops the world for its owner or an admin, wherever it runs; false when it was not live (nothing to stop, nobody told).</summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    public async Task<bool> StopAsync(string id, WorldCaller caller, string reason, CancellationToken cancellationToken) =>
        await ToldAsync(await worlds.StopAsync(id, caller, reason, cancellationToken), id, reason);

    /// <summary>
    /// Stops a world live on this node for one of this node's own limits: no caller asks, the node that runs the world
    /// decides. False when it is not live here.
    /// </summary>
    public async Task<bool> StopHereAsync(string id, string reason, CancellationToken cancellationToken) =>
        await ToldAsync(await directory.StopAsync(id, reason, cancellationToken), id, reason);

    /// <summary>Deletes the world with its saves, log and links.</summary>
    /// <exception cref="CallerRefusedException">The caller neither owns the world nor is an admin.</exception>
    public async Task DeleteAsync(string id, WorldCaller caller, string reason, CancellationToken cancellationToken)
    {
        await worlds.CloseForDeletionAsync(id, caller, reason);
        await store.DeleteAsync(id, cancellationToken);
        await notices.ClosedAsync(id, reason);
    }

    /// <summary>Tells the world's clients why it ended, if it was live: whether it was.</summary>
    private async Task<bool> ToldAsync(bool stopped, string id, string reason)
    {
        if (stopped)
        {
            await notices.ClosedAsync(id, reason);
        }
        return stopped;
    }
}
