using System.Security.Cryptography;
using System.Text;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// Who made a world's steps, as its clips' events files name them: <c>owner</c>, or <c>player-</c> and six hex digits
/// that stay the same for one visitor in one world and tell nothing about them elsewhere (a hash of the world and the
/// visitor's id, so a clip shared by link names no account).
/// </summary>
public static class Actors
{
    public const string Owner = "owner";

    public static string Who(string worldId, string? userId, bool owner) => owner
        ? Owner
        : "player-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{worldId}:{userId}")))[..6];
}
