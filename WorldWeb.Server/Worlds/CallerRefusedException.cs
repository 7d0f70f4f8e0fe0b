namespace WorldWeb.Server.Worlds;

/// <summary>
/// The node that runs a world refused what a caller asked of it (save, stop, delete, change its mask): the caller
/// neither owns the world nor is an admin, as the database says there now.
/// </summary>
public sealed class CallerRefusedException(string message) : Exception(message)
{
    /// <summary>What a caller hears that may not <paramref name="what"/> (the endpoints say the same).</summary>
    public static string OwnerOnly(string what) => $"Only the owner of this world may {what}.";
}
