using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// The worlds on a scheduler's schedule: the live worlds of its model. Readers take the whole array without a lock;
/// each change replaces it under one.
/// </summary>
internal sealed class ScheduledWorlds
{
    private readonly Lock _gate = new();
    private WorldSession[] _sessions = [];
    private bool _retired;

    public WorldSession[] Current => Volatile.Read(ref _sessions);

    public int Count => Current.Length;

    /// <summary>False once retired.</summary>
    public bool TryAdd(WorldSession session)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }
            _sessions = [.. _sessions, session];
            return true;
        }
    }

    /// <summary>
    /// Refuses every later session, but only when no session is scheduled now; false (and nothing changes) otherwise.
    /// Checked and set under one lock, so a world opening at the same moment either counts here or is refused.
    /// </summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            _retired = _sessions.Length == 0;
            return _retired;
        }
    }

    public void Remove(WorldSession session)
    {
        lock (_gate)
        {
            _sessions = _sessions.Where(s => s != session).ToArray();
        }
    }
}
