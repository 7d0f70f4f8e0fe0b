namespace WorldWeb.Server.Play;

/// <summary>What the server calls on a hub client (frames travel on the <c>Frames</c> stream instead).</summary>
public interface IWorldClient
{
    /// <summary>A joined world stopped for good (deleted); its streams have ended.</summary>
    Task WorldClosed(string worldId, string reason);

    /// <summary>A joined world stopped stepping for a while (reason), or goes on again (null).</summary>
    Task WorldPaused(string worldId, string? reason);
}
