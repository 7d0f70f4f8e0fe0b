using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// The actions each live world's owner has disabled for players, as the hub checks them on every action: filled
/// when the world resumes and when the owner changes the mask (from the world's record), forgotten when it unloads.
/// </summary>
public sealed class ActionMasks
{
    private readonly ConcurrentDictionary<string, FrozenSet<int>> _disabled = new(StringComparer.Ordinal);

    public void Set(string worldId, IEnumerable<int> disabled) => _disabled[worldId] = disabled.ToFrozenSet();

    public void Forget(string worldId) => _disabled.TryRemove(worldId, out _);

    /// <summary>Worlds with a mask held here.</summary>
    public int Count => _disabled.Count;

    public bool IsDisabled(string worldId, int action) => _disabled.TryGetValue(worldId, out FrozenSet<int>? set) && set.Contains(action);
}
