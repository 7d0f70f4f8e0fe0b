using WorldWeb.Server.Cluster;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Ends a world's play, for an owner, an admin or a limit: stopped (saved and unloaded; it can be joined again) or
/// deleted. Either way its streams end with the reason, and every client that joined it hears it (<c>WorldClosed</c>).
/// </summary>
public sealed class WorldEndings(WorldDirectory directory, WorldStore store, WorldNotices notices, NodeReports nodes, IGrainFactory grains)
{
    /// <summary>False when the world was not live (nothing to stop, nobody told).</summary>
    public async Task<bool> StopAsync(string id, string reason, CancellationToken cancellationToken)
    {
        bool stopped = nodes.RunsElsewhere(id)
            ? await grains.GetGrain<IWorldGrain>(id).End(reason, delete: false)  // live on another node: its owner stops it
            : await directory.StopAsync(id, reason, cancellationToken);
        if (!stopped)
        {
            return false;
        }
        await notices.ClosedAsync(id, reason);
        return true;
    }

    /// <summary>Deletes the world with its saves, log and links.</summary>
    public async Task DeleteAsync(string id, string reason, CancellationToken cancellationToken)
    {
        if (nodes.RunsElsewhere(id))
        {
            await grains.GetGrain<IWorldGrain>(id).End(reason, delete: true);
        }
        else
        {
            await directory.CloseAsync(id, reason);
        }
        await store.DeleteAsync(id, cancellationToken);
        await notices.ClosedAsync(id, reason);
    }
}
