namespace WorldWeb.Client.Contracts;

/// <summary>What a caller may do with a world: the owner everything, a player act, a viewer watch.</summary>
public static class WorldRoles
{
    public const string Owner = "owner";
    public const string Player = "player";
    public const string Viewer = "viewer";

    public static bool CanAct(string role) => role is Owner or Player;
}
