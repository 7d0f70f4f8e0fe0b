using System.Buffers.Text;
using System.Globalization;
using System.Text;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// A page of <c>GET /api/worlds</c>, most recently updated first: at most <see cref="Limit"/> worlds updated before the
/// cursor's (time, id). Keyset paging: a world updated meanwhile moves to the front and is never listed twice on a page.
/// </summary>
public sealed record WorldsPage(int Limit, DateTimeOffset? BeforeUpdatedAt, string? BeforeId)
{
    public const int MaxLimit = 200;

    /// <summary>The page asked for, or the error that says what is wrong with the query.</summary>
    public static (WorldsPage? Page, string? Field, string? Error) Parse(int? limit, string? before)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return (null, "limit", $"limit is a whole number from 1 to {MaxLimit}.");
        }
        if (before is null)
        {
            return (new WorldsPage(limit ?? MaxLimit, null, null), null, null);
        }
        string[] parts = Decode(before)?.Split(' ') ?? [];
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out long ticks)
            || ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || !WorldAccess.LooksLikeWorldId(parts[1]))
        {
            return (null, "before", "before is the cursor of a page's Link: rel=\"next\" header, passed back unchanged.");
        }
        return (new WorldsPage(limit ?? MaxLimit, new DateTimeOffset(ticks, TimeSpan.Zero), parts[1]), null, null);
    }

    /// <summary>The cursor of the page after the one that ends with this world.</summary>
    public static string CursorAfter(DateTimeOffset updatedAt, string id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{updatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)} {id}"));

    private static string? Decode(string cursor)
    {
        try
        {
            return Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
