namespace WorldWeb.Inference.Packages;

/// <summary>A player action; <see cref="Keys"/> are browser <c>KeyboardEvent.code</c> values.</summary>
/// <param name="Press">
/// Applied at exactly one step per press of its key, after which the held action is in force again; otherwise the
/// action is held, in force at every step until another is sent.
/// </param>
/// <param name="ChangesWorld">The action changes the world's state (paints a wall): what memory holds of that place is stale.</param>
public sealed record ActionSpec(int Index, string Name, IReadOnlyList<string> Keys, bool Press = false, bool ChangesWorld = false)
{
    /// <summary>The noop a world falls back to (nobody acting, a key let go, the end of a press): it moves nobody.</summary>
    public const int Noop = 0;

    /// <summary>The index of the action named <paramref name="name"/>, or −1.</summary>
    public static int IndexOf(IReadOnlyList<ActionSpec> actions, string name)
    {
        for (int i = 0; i < actions.Count; i++)
        {
            if (actions[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}
