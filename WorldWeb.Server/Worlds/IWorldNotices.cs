namespace WorldWeb.Server.Worlds;

/// <summary>
/// Tells the clients that joined a world that it paused (with why) or goes on again (null), or that it closed. The
/// scheduler pauses worlds; the hub, a layer above it, is how their clients hear of it.
/// </summary>
public interface IWorldNotices
{
    Task PausedAsync(string worldId, string? reason);

    Task ClosedAsync(string worldId, string reason);
}
