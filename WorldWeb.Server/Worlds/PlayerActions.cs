using System.Diagnostics.Metrics;
using WorldWeb.Server.Operations;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// Checks a player's action against the world's model and its owner's mask, and hands it to the world. The hub (a
/// world live on this node) and the world's grain (a world owned here, acted on from another node) both take actions
/// through this one rule, so a client cannot tell which path its action took.
/// </summary>
public sealed class PlayerActions
{
    private readonly ActionMasks _masks;
    private readonly Counter<long> _dropped;

    public PlayerActions(ActionMasks masks, IMeterFactory meters)
    {
        _masks = masks;
        _dropped = meters.Create(ServerMetrics.MeterName).CreateCounter<long>("worldweb.presses.dropped",
            description: $"presses refused because {PlayerInput.MaxPendingPresses} of the world's presses were already waiting for their steps");
    }

    /// <summary>Takes the action from the next step on; a refusal for the player, or null.</summary>
    /// <param name="owner">The world's owner may use actions masked for players.</param>
    /// <param name="who">Who acted, as the world's clips name them (<see cref="Actors"/>).</param>
    public string? Submit(WorldSession session, int action, long seq, string actor, bool owner, string? who = null)
    {
        int count = session.Model.Actions.Count;
        if (action < 0 || action >= count)
        {
            return $"Action {action} is out of range: this world's model has actions 0 to {count - 1}.";
        }
        if (!owner && _masks.IsDisabled(session.Id, action))
        {
            return $"Action {action} is disabled for players in this world by its owner.";
        }
        if (!session.SubmitAction(action, seq, actor, who))
        {
            _dropped.Add(1, new KeyValuePair<string, object?>("model", session.ModelName));
            return $"Too many presses at once: {PlayerInput.MaxPendingPresses} already wait for their steps, so this press of " +
                $"'{session.Model.Actions[action].Name}' was dropped.";
        }
        return null;
    }
}
