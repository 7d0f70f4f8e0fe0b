using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// Who may do what with a world without a share link: its owner everything, anyone watch a public world (and play it
/// when its owner lets visitors play), an admin watch any world.
/// </summary>
public static class WorldAccess
{
    /// <summary>The caller's role, or null when the world is not visible to the caller.</summary>
    public static string? RoleOf(WorldRecord world, ClaimsPrincipal user) =>
        RoleOf(world, user.UserId()) ?? (user.IsAdmin() ? WorldRoles.Viewer : null);

    /// <summary>The caller's role, or null when the world is not visible to the caller.</summary>
    public static string? RoleOf(WorldRecord world, string? userId) =>
        userId is not null && world.OwnerId == userId ? WorldRoles.Owner
        : PublicRole(world);

    /// <summary>What anyone may do in the world by its being public: play, watch, or (private) nothing.</summary>
    public static string? PublicRole(WorldRecord world) =>
        !world.IsPublic ? null
        : world.PublicPlay ? WorldRoles.Player
        : WorldRoles.Viewer;

    /// <summary>What a share link of the world gives: its own role, or a player's where anyone may play the world.</summary>
    public static string LinkRole(WorldRecord world, string linkRole) =>
        PublicRole(world) == WorldRoles.Player ? WorldRoles.Player : linkRole;

    public static bool LooksLikeWorldId(string text) =>
        text.Length == WorldIds.Length && text.All(char.IsAsciiHexDigitLower);

    /// <summary>The world if the caller owns it, else the problem to answer with.</summary>
    public static async Task<(WorldRecord? World, ProblemHttpResult? Problem)> OwnedAsync(
        WorldStore store, string id, ClaimsPrincipal user, string what, CancellationToken cancellationToken)
    {
        WorldRecord? world = LooksLikeWorldId(id) ? await store.FindAsync(id, cancellationToken) : null;
        if (world is null)
        {
            return (null, ApiProblems.WorldNotFound(id));
        }
        return RoleOf(world, user) switch
        {
            WorldRoles.Owner => (world, null),
            null => (null, ApiProblems.WorldNotFound(id)),
            _ => (null, ApiProblems.OwnerOnly(what)),
        };
    }

    /// <summary>A 409 when <paramref name="owner"/> keeps as many worlds as one visitor may (creating and forking); null otherwise.</summary>
    public static async Task<ProblemHttpResult?> QuotaProblemAsync(WorldStore store, string owner, int max, CancellationToken cancellationToken) =>
        await store.CountOwnedAsync(owner, cancellationToken) >= max
            ? ApiProblems.TooMany($"You keep {max} worlds, the most one visitor may; delete one to make another.")
            : null;
}

/// <summary>World ids: 64 random bits as 16 lowercase hex digits.</summary>
public static class WorldIds
{
    public const int Length = 16;

    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The play page of a world.</summary>
    public static string PlayUrl(string worldId) => $"/worlds/{worldId}";
}

public static class WorldTitles
{
    public const int MaxLength = 100;

    /// <summary>Why <paramref name="title"/> (trimmed) cannot be a world's title, or null when it can.</summary>
    public static string? Problem(string title) =>
        title.Length > MaxLength ? $"A title has at most {MaxLength} characters."
        : UserText.HasControlCharacters(title) ? "A title may not hold control characters (such as NUL or a line break)."
        : null;

    /// <summary>The title of a fork: the world's, marked as a fork where that still fits.</summary>
    public static string ForkOf(string title) => title.Length + 7 <= MaxLength ? $"{title} (fork)" : title;
}
