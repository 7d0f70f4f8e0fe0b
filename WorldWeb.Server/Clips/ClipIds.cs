using System.Security.Cryptography;

namespace WorldWeb.Server.Clips;

/// <summary>Clip ids: 128 random bits, base64url. An id is the clip's link, so it must not be guessable.</summary>
public static class ClipIds
{
    public const int Length = 22;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool LooksLikeClipId(string text) =>
        text.Length == Length && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
