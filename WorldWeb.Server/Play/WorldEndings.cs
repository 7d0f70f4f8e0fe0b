using WorldWeb.Server.Cluster;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Ends a world's play, for an owner, an admin or a limit: stopped (saved and unloaded; it can be joined again) or
/// deleted. Either way its streams end with the reason, and every client that joined it hears it (<c>WorldClosed</c>).
/// </summary>
public sealed class WorldEndings(LiveWorlds worlds, WorldStore store, WorldNotices notices)
{
    /// <summary>False when the world was not live (nothing to stop, nobody told).</summary>
    public async Task<bool> StopAsync(string id, string reason, CancellationToken cancellationToken)
    {
        if (!await worlds.StopAsync(id, reason, cancellationToken))
        {
            return false;
        }
        await notices.ClosedAsync(id, reason);
        return true;
    }

    /// <summary>Deletes the world with its saves, log and links.</summary>
    public async Task DeleteAsync(string id, string reason, CancellationToken cancellationToken)
    {
        await worlds.CloseForDeletionAsync(id, reason);
        await store.DeleteAsync(id, cancellationToken);
        await notices.ClosedAsync(id, reason);
    }
}
