using System.Security.Claims;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Accounts;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Worlds;

/// <summary>Who may do what with a world without a share link: its owner everything, anyone watch a public world, an admin watch any world.</summary>
public static class WorldAccess
{
    /// <summary>The caller's role, or null when the world is not visible to the caller.</summary>
    public static string? RoleOf(WorldRecord world, ClaimsPrincipal user) =>
        RoleOf(world, user.UserId()) ?? (user.IsAdmin() ? WorldRoles.Viewer : null);

    /// <summary>The caller's role, or null when the world is not visible to the caller.</summary>
    public static string? RoleOf(WorldRecord world, string? userId) =>
        userId is not null && world.OwnerId == userId ? WorldRoles.Owner
        : world.IsPublic ? WorldRoles.Viewer
        : null;

    public static bool LooksLikeWorldId(string text) =>
        text.Length == WorldIds.Length && text.All(char.IsAsciiHexDigitLower);
}

/// <summary>World ids: 64 random bits as 16 lowercase hex digits.</summary>
public static class WorldIds
{
    public const int Length = 16;

    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
