using System.Security.Cryptography;
using System.Text;

namespace WorldWeb.Server.Sharing;

/// <summary>Share-link tokens: 192 random bits, base64url; the database keeps only their SHA-256.</summary>
public static class ShareTokens
{
    public const int TokenBytes = 24;

    /// <summary>Length of a token's text: no world id is this long, so a world reference is one or the other.</summary>
    public const int TokenLength = 32;

    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool LooksLikeToken(string text) =>
        text.Length == TokenLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
