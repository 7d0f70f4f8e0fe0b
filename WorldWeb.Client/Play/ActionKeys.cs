using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// Maps keys (<c>KeyboardEvent.code</c>) to the model's actions. For held actions the most recently pressed key that
/// is still held wins, and releasing every key returns to the idle action. A press action's key sends it once when it
/// goes down and never again until it has come up; the held action stays in force around it. Each method answers the
/// action to send, or null when there is nothing to send (key repeats, unmapped keys, the action in force unchanged).
/// </summary>
public sealed class ActionKeys
{
    private readonly Dictionary<string, ActionInfo> actionByCode = new(StringComparer.Ordinal);
    private readonly List<string> held = [];
    private readonly HashSet<string> pressedDown = new(StringComparer.Ordinal);

    public ActionKeys(IReadOnlyList<ActionInfo> actions)
    {
        foreach (var action in actions)
        {
            foreach (var code in action.Keys)
            {
                actionByCode.TryAdd(code, action);
            }
        }

        IdleAction = FindIdle(actions);
        Current = IdleAction;
    }

    /// <summary>The action sent when no key is held: the one named "noop", else the first held action without keys, else 0.</summary>
    public int IdleAction { get; }

    /// <summary>The held action in force (a press never is: it is applied at one step).</summary>
    public int Current { get; private set; }

    public IReadOnlyCollection<string> Codes => actionByCode.Keys;

    public bool IsMapped(string code) => actionByCode.ContainsKey(code);

    public int? Press(string code)
    {
        if (!actionByCode.TryGetValue(code, out var action))
        {
            return null;
        }

        if (action.Press)
        {
            // A key held down repeats its keydown; only the first one, after a keyup, is a press.
            return pressedDown.Add(code) ? action.Index : null;
        }

        held.Remove(code);
        held.Add(code);
        return Change(action.Index);
    }

    public int? Release(string code)
    {
        if (pressedDown.Remove(code) || !held.Remove(code))
        {
            return null;
        }

        return Change(held.Count == 0 ? IdleAction : actionByCode[held[^1]].Index);
    }

    /// <summary>
    /// Keys for <paramref name="actions"/> with the keys held here still held (those still mapped, in the order they
    /// were pressed): a rejoin after a lost connection or a failover must not drop the key the player is holding. Press
    /// keys still down stay down, so their repeats send nothing.
    /// </summary>
    public ActionKeys Carry(IReadOnlyList<ActionInfo> actions)
    {
        var keys = new ActionKeys(actions);
        foreach (var code in held.Concat(pressedDown))
        {
            keys.Press(code);
        }

        return keys;
    }

    /// <summary>Forgets every key down, e.g. when the view loses focus and key-up events would be missed.</summary>
    public int? ReleaseAll()
    {
        held.Clear();
        pressedDown.Clear();
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
        actions.FirstOrDefault(a => !a.Press && string.Equals(a.Name, "noop", StringComparison.OrdinalIgnoreCase))?.Index
        ?? actions.FirstOrDefault(a => !a.Press && a.Keys.Count == 0)?.Index
        ?? 0;
}
