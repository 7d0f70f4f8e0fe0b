using System.Collections.Concurrent;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// The worlds this node's open hub connections joined only because they are public (no link, not their own). Made
/// private, such a world is closed to them: their streams of it end with the reason and their later calls in it are
/// refused (<see cref="PublicEndings"/> reads which are still public every second, wherever the change was made).
/// </summary>
public sealed class PublicWatches
{
    public const string MadePrivateReason = "This world's owner made it private; ask them for a share link to watch it again.";

    private readonly ConcurrentDictionary<(string Connection, string World), RightInUse> _rights = new();

    /// <summary>The connection joined the world by its being public (true) or by another right (false).</summary>
    public void Joined(string connectionId, string worldId, bool byPublic)
    {
        if (byPublic)
        {
            // A join after the world was made private and public again holds the right anew.
            _rights.AddOrUpdate((connectionId, worldId), _ => new RightInUse(), (_, held) => held.Ended ? new RightInUse() : held);
        }
        else
        {
            _rights.TryRemove((connectionId, worldId), out _);
        }
    }

    public void Disconnected(string connectionId)
    {
        foreach (var key in _rights.Keys.Where(k => k.Connection == connectionId))
        {
            _rights.TryRemove(key, out _);
        }
    }

    /// <summary>Why the connection may no longer use the world, or null when it may.</summary>
    public string? Refusal(string connectionId, string worldId) =>
        _rights.TryGetValue((connectionId, worldId), out RightInUse? right) ? right.EndedReason : null;

    /// <summary>Ties a stream to the world's being public; dispose the answer when the stream ends otherwise.</summary>
    public IDisposable? Watching(string connectionId, string worldId, FrameViewer viewer) =>
        _rights.TryGetValue((connectionId, worldId), out RightInUse? right) ? right.Watch(viewer) : null;

    /// <summary>The worlds joined here by their being public, whose right has not ended.</summary>
    public IReadOnlyCollection<string> HeldWorlds() =>
        [.. _rights.Where(r => !r.Value.Ended).Select(r => r.Key.World).Distinct(StringComparer.Ordinal)];

    /// <summary>Closes the world to those who watched it by its being public; returns how many rights ended.</summary>
    public int MadePrivate(string worldId) =>
        _rights.Where(r => r.Key.World == worldId).Count(r => r.Value.End(MadePrivateReason));
}
