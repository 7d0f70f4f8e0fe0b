using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// Maps held keys (<c>KeyboardEvent.code</c>) to the model's actions: the most recently pressed key that is still
/// held wins, and releasing every key returns to the idle action. Each method answers the action to send, or
/// null when the action in force did not change (key repeats, unmapped keys).
/// </summary>
public sealed class ActionKeys
{
    private readonly Dictionary<string, int> actionByCode = new(StringComparer.Ordinal);
    private readonly List<string> held = [];

    public ActionKeys(IReadOnlyList<ActionInfo> actions)
    {
        foreach (var action in actions)
        {
            foreach (var code in action.Keys)
            {
                actionByCode.TryAdd(code, action.Index);
            }
        }

        IdleAction = FindIdle(actions);
        Current = IdleAction;
    }

    /// <summary>The action sent when no key is held: the one named "noop", else the first without keys, else 0.</summary>
    public int IdleAction { get; }

    public int Current { get; private set; }

    public IReadOnlyCollection<string> Codes => actionByCode.Keys;

    public bool IsMapped(string code) => actionByCode.ContainsKey(code);

    public int? Press(string code)
    {
        if (!IsMapped(code))
        {
            return null;
        }

        held.Remove(code);
        held.Add(code);
        return Change(actionByCode[code]);
    }

    public int? Release(string code)
    {
        if (!held.Remove(code))
        {
            return null;
        }

        return Change(held.Count == 0 ? IdleAction : actionByCode[held[^1]]);
    }

    /// <summary>
    /// Keys for <paramref name="actions"/> with the keys held here still held (those still mapped, in the order they
    /// were pressed): a rejoin after a lost connection or a failover must not drop the key the player is holding.
    /// </summary>
    public ActionKeys Carry(IReadOnlyList<ActionInfo> actions)
    {
        var keys = new ActionKeys(actions);
        foreach (var code in held)
        {
            keys.Press(code);
        }

        return keys;
    }

    /// <summary>Forgets every held key, e.g. when the view loses focus and key-up events would be missed.</summary>
    public int? ReleaseAll()
    {
        held.Clear();
        return Change(IdleAction);
    }

    private int? Change(int action)
    {
        if (action == Current)
        {
            return null;
        }

        Current = action;
        return action;
    }

    private static int FindIdle(IReadOnlyList<ActionInfo> actions) =>
        actions.FirstOrDefault(a => string.Equals(a.Name, "noop", StringComparison.OrdinalIgnoreCase))?.Index
        ?? actions.FirstOrDefault(a => a.Keys.Count == 0)?.Index
        ?? 0;
}
