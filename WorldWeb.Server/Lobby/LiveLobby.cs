using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Server.Lobby;

/// <summary>The lobby's JSON as served, and its entity tag.</summary>
public sealed record LobbyView(byte[] Json, string ETag, DateTimeOffset At)
{
    /// <summary>The JSON as text, for the stream's events (decoded once per snapshot, not once per visitor).</summary>
    public string Text { get; } = Encoding.UTF8.GetString(Json);
}

/// <summary>
/// The public live worlds as every lobby visitor sees them: one snapshot, built when asked for and at most every
/// <see cref="Fresh"/>, so a visitor's poll or stream costs a read of cached bytes whatever the number of visitors. Its
/// thumbnails are the frames the worlds already encoded for streaming; nothing is encoded for the lobby.
/// </summary>
public sealed class LiveLobby(LiveGlimpses glimpses, IDbContextFactory<WorldWebDbContext> contexts, TimeProvider clock)
{
    public static readonly TimeSpan Fresh = WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery;  // a page's every poll, a stream's every look, finds a newer snapshot

    /// <summary>The most worlds a snapshot lists (the most watched); past that a lobby is a search, not a page.</summary>
    public const int MaxWorlds = 48;

    private readonly SemaphoreSlim _building = new(1, 1);
    private LobbyView? _view;

    public async Task<LobbyView> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _view) is { } view && clock.GetUtcNow() - view.At < Fresh)
        {
            return view;
        }
        // One visitor builds; those who come meanwhile wait for its snapshot instead of building their own.
        await _building.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _view) is { } built && clock.GetUtcNow() - built.At < Fresh)
            {
                return built;
            }
            LobbyView next = await BuildAsync(cancellationToken);
            Volatile.Write(ref _view, next);
            return next;
        }
        finally
        {
            _building.Release();
        }
    }

    private async Task<LobbyView> BuildAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset at = clock.GetUtcNow();
        string[] live = [.. glimpses.LiveIds()];
        var worlds = new List<LobbyWorld>();
        if (live.Length > 0)
        {
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
            var shown = await db.Worlds.AsNoTracking().Where(w => live.Contains(w.Id) && w.IsPublic)
                .Select(w => new { w.Id, w.Title, w.Model, w.PublicPlay }).ToListAsync(cancellationToken);
            WorldGlimpse?[] seen = await Task.WhenAll(shown.Select(w => glimpses.OfAsync(w.Id)));
            worlds.AddRange(shown.Zip(seen).Where(p => p.Second is not null).Select(p => new LobbyWorld(
                p.First.Id, p.First.Title, p.First.Model, p.Second!.Step, p.Second.Viewers,
                $"data:{p.Second.Frame.ContentType};base64,{Convert.ToBase64String(p.Second.Frame.Data)}", p.First.PublicPlay)));
        }
        LobbyWorld[] listed = [.. worlds.OrderByDescending(w => w.Viewers).ThenBy(w => w.Id, StringComparer.Ordinal).Take(MaxWorlds)];
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new LobbySnapshot(at, listed), JsonSerializerOptions.Web);
        // The tag is of the worlds alone, so an idle lobby (nothing live, nothing stepped) answers 304 to every poll.
        byte[] worldsJson = JsonSerializer.SerializeToUtf8Bytes(listed, JsonSerializerOptions.Web);
        string etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(worldsJson), 0, 8)}\"";
        return new LobbyView(json, etag, at);
    }
}
