namespace WorldWeb.Server.Worlds;

/// <summary>A world exists but cannot be run here now (its model is not loaded, the server is full, its save is unreadable).</summary>
public sealed class WorldUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Refused only for want of a place (the server runs its most worlds): a join waits in line for one instead.</summary>
    public bool IsFull { get; init; }
}
