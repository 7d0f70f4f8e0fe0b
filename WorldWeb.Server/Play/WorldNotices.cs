using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

/// <summary>Tells the clients that joined a world that it paused (with why) or goes on again (null), or that it closed.</summary>
public sealed class WorldNotices(IHubContext<WorldHub, IWorldClient> hub)
{
    public Task PausedAsync(string worldId, string? reason) => hub.Clients.Group(WorldHub.GroupOf(worldId)).WorldPaused(worldId, reason);

    public Task ClosedAsync(string worldId, string reason) => hub.Clients.Group(WorldHub.GroupOf(worldId)).WorldClosed(worldId, reason);
}
