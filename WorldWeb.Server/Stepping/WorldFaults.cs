using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// A fault of one world's own (say a save whose context no longer fits its model) takes that world out of play and
/// no other: each part of a tick records a world's fault in its row and skips the rows already faulted.
/// </summary>
internal sealed partial class WorldFaults(ScheduledWorlds worlds, StepMetrics metrics, ILogger logger, string model)
{
    /// <summary>Runs <paramref name="work"/> for <paramref name="row"/> unless it faulted before; records its fault.</summary>
    public static void Isolated(Exception?[] faults, int row, Action work)
    {
        if (faults[row] is not null)
        {
            return;
        }
        try
        {
            work();
        }
        catch (Exception ex)
        {
            faults[row] = ex;
        }
    }

    /// <summary>Unschedules and fails each world whose own step threw; the rest of the model's worlds play on.</summary>
    public void TakeOutOfPlay(WorldSession[] due, Exception?[] faults)
    {
        for (int row = 0; row < due.Length; row++)
        {
            if (faults[row] is not { } fault)
            {
                continue;
            }
            worlds.Remove(due[row]);
            due[row].Fail(fault);
            metrics.WorldFailed(model);
            LogWorldFailed(logger, fault, due[row].Id, model);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "World {WorldId} of model {Model} failed while stepping and was taken out of play; it resumes from its last save when opened again")]
    private static partial void LogWorldFailed(ILogger logger, Exception exception, string worldId, string model);
}
