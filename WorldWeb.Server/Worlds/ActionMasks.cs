using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// The actions each world's owner has disabled for players, as the hub checks them on every action: filled
/// when a connection joins (from the world's record) and when the owner changes the mask.
/// </summary>
public sealed class ActionMasks
{
    private readonly ConcurrentDictionary<string, FrozenSet<int>> _disabled = new(StringComparer.Ordinal);

    public void Set(string worldId, IEnumerable<int> disabled) => _disabled[worldId] = disabled.ToFrozenSet();

    public bool IsDisabled(string worldId, int action) => _disabled.TryGetValue(worldId, out FrozenSet<int>? set) && set.Contains(action);
}
