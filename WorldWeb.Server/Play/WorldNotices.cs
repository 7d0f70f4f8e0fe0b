using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>World notices sent to the hub group of the world's joined clients.</summary>
public sealed class WorldNotices(IHubContext<WorldHub, IWorldClient> hub) : IWorldNotices
{
    public Task PausedAsync(string worldId, string? reason) => hub.Clients.Group(WorldHub.GroupOf(worldId)).WorldPaused(worldId, reason);

    public Task ClosedAsync(string worldId, string reason) => hub.Clients.Group(WorldHub.GroupOf(worldId)).WorldClosed(worldId, reason);
}
