namespace WorldWeb.Server.Worlds;

/// <summary>A world's actions: what its players send, what each step applies, and what memory learns of a change.</summary>
public sealed partial class WorldSession
{
    private readonly PlayerInput _input = new();

    // The action FillRow wrote for the step Advance makes next (both under the state gate, scheduler or replay).
    private int _filledAction;

    /// <summary>
    /// Takes a player's action from the next step on: a held one replaces the one held, a press waits for a step of
    /// its own. False when the press was dropped (<see cref="PlayerInput.MaxPendingPresses"/> already wait).
    /// </summary>
    public bool SubmitAction(int action, long seq, string connectionId, string? who = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(action, Model.Actions.Count);
        return _input.Submit(action, seq, connectionId, Model.Actions[action].Press, who);
    }

    public void ReleaseActions(string connectionId) => _input.Release(connectionId);

    /// <summary>The action of the next step and the seq it was sent with (0 before any): the oldest press waiting, else the held action.</summary>
    public StepAction NextAction() => _input.Next();

    /// <summary>The step given <paramref name="action"/> by <see cref="NextAction"/> is made and logged; a press is then done.</summary>
    public void Applied(StepAction action) => _input.Applied(action);

    /// <summary>Presses sent and not applied yet.</summary>
    public int PendingPresses => _input.PendingPresses;

    /// <summary>
    /// Step <paramref name="step"/>'s action changes the world, and memory forgot <paramref name="forgotten"/> views of the
    /// spot, where the player stood, before the step recalled (<c>MemoryFeed.Fill</c>). It follows from the logged action alone, so a replay tells memory the same at the
    /// same step; a step rolled back still happened, and so did its change.
    /// </summary>
    private void LogWorldChanged(long step, int forgotten)
    {
        if (_logger is not null)
        {
            LogWorldChanged(_logger, Id, step, _pose.X, _pose.Y, _pose.Heading, forgotten);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "World {WorldId} changed at step {Step} where the player stood at ({X}, {Y}), heading {Heading}: memory forgot {Forgotten} entries")]
    private static partial void LogWorldChanged(ILogger logger, string worldId, long step, double x, double y, double heading, int forgotten);
}
