using WorldWeb.Persistence;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>
/// What a world's owner (or an admin) does to it on the node that runs it: save it now, stop it, close it for deletion,
/// change its action mask. Each decides the caller's right here first (<see cref="CallerRights"/>), so a world live
/// where the call arrived and one reached through its grain obey one rule, and no node lends a caller a right it lacks.
/// </summary>
public sealed class WorldControls(WorldDirectory directory, SessionSaver saver, ActionMasks masks, CallerRights rights)
{
    // What a refused caller is told it may not do; the endpoints that check first say the same.
    public const string SaveIt = "save it";
    public const string StopIt = "stop it";
    public const string DeleteIt = "delete it";
    public const string ChangeItsMask = "change its action mask";

    /// <summary>Saves the live world at its current step.</summary>
    /// <exception cref="CallerRefusedException">The caller may not save it.</exception>
    /// <exception cref="WorldUnavailableException">The world stopped on an error, or the database did not answer.</exception>
    public async Task<SaveRecord> SaveAsync(WorldSession session, WorldCaller caller, string name, SaveKind kind, CancellationToken cancellationToken)
    {
        await rights.DemandControlAsync(session.Id, caller, SaveIt);
        return await saver.SaveAsync(session, name, kind, cancellationToken);
    }

    /// <summary>Saves the world and unloads it, if it is live here; false when it was not.</summary>
    /// <exception cref="CallerRefusedException">The caller may not stop it.</exception>
    public async Task<bool> StopAsync(string id, WorldCaller caller, string reason, CancellationToken cancellationToken)
    {
        if (directory.FindLive(id) is null)
        {
            return false;
        }
        await rights.DemandControlAsync(id, caller, StopIt);
        return await directory.StopAsync(id, reason, cancellationToken);
    }

    /// <summary>Closes the world without saving it, if it is live here, before it is deleted.</summary>
    /// <exception cref="CallerRefusedException">The caller may not delete it.</exception>
    public async Task CloseForDeletionAsync(string id, WorldCaller caller, string reason)
    {
        if (directory.FindLive(id) is null)
        {
            return;
        }
        await rights.DemandControlAsync(id, caller, DeleteIt);
        await directory.CloseAsync(id, reason);
    }

    /// <summary>Holds the world's new mask here, if it is live here (a world that resumes reads it from the database).</summary>
    /// <exception cref="CallerRefusedException">The caller may not change it.</exception>
    public async Task SetActionMaskAsync(string id, WorldCaller caller, int[] disabled)
    {
        if (directory.FindLive(id) is null)
        {
            return;
        }
        await rights.DemandControlAsync(id, caller, ChangeItsMask);
        masks.Set(id, disabled);
    }
}
