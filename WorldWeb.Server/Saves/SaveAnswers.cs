using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>What the saves endpoints and the admin's answer with: a save made now, or why not; a save as the API shows it.</summary>
public static class SaveAnswers
{
    /// <summary>The save of <see cref="WorldSaves.SaveNowAsync"/>, or the problem to answer with.</summary>
    public static async Task<(SaveRecord? Save, ProblemHttpResult? Problem)> SaveNowAsync(
        WorldSaves saves, string id, WorldCaller caller, string name, SaveKind kind, CancellationToken cancellationToken)
    {
        try
        {
            return await saves.SaveNowAsync(id, caller, name, kind, cancellationToken) is { } save ? (save, null) : (null, ApiProblems.WorldNotFound(id));
        }
        catch (CallerRefusedException ex)
        {
            return (null, ApiProblems.Refused(ex.Message));
        }
        catch (WorldUnavailableException ex)
        {
            return (null, ApiProblems.Unavailable(ex.Message));
        }
    }

    public static SaveInfo ToInfo(SaveRecord save) => new(save.Id.ToString(), save.Name, save.Step, save.State.Length, save.CreatedAt);
}
