using System.Diagnostics.Metrics;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// Takes a player's action on the node that runs the world: decides the caller's rights there (<see cref="CallerRights"/>),
/// checks the action against the world's model and its owner's mask, and hands it to the world. A world live where the
/// call arrived and one reached through its grain both take actions through this one rule, so a client cannot tell
/// which path its action took, and a node cannot lend a caller rights it does not hold.
/// </summary>
public sealed class PlayerActions
{
    public const string ViewersCannotAct = "You are a viewer of this world (by your link, or its owner lets visitors watch, not play); viewers cannot act.";

    private readonly ActionMasks _masks;
    private readonly CallerRights _rights;
    private readonly Counter<long> _dropped;

    public PlayerActions(ActionMasks masks, CallerRights rights, IMeterFactory meters)
    {
        _masks = masks;
        _rights = rights;
        _dropped = meters.Create(StepMetrics.MeterName).CreateCounter<long>("worldweb.presses.dropped",
            description: $"presses refused because {PlayerInput.MaxPendingPresses} of the world's presses were already waiting for their steps");
    }

    /// <summary>Takes the action from the next step on, if the caller may act; a refusal for the player, or null.</summary>
    /// <param name="actor">The connection that acts: the keys it holds are let go when it leaves.</param>
    public async Task<string?> SubmitAsync(WorldSession session, WorldCaller caller, int action, long seq, string actor)
    {
        (string? role, string? refusal) = await _rights.RoleAsync(session.Id, caller);
        if (refusal is not null)
        {
            return refusal;
        }
        if (!WorldRoles.CanAct(role!))
        {
            return ViewersCannotAct;
        }
        bool owner = role == WorldRoles.Owner;
        return Submit(session, action, seq, actor, owner, Actors.Who(session.Id, caller.UserId, owner));
    }

    /// <summary>Checks the action once the caller's rights are decided (<see cref="SubmitAsync"/>).</summary>
    /// <param name="owner">The world's owner may use actions masked for players.</param>
    /// <param name="who">Who acted, as the world's clips name them (<see cref="Actors"/>).</param>
    internal string? Submit(WorldSession session, int action, long seq, string actor, bool owner, string? who = null)
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
