using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.LocalWorlds;

/// <summary>A world resumed here, and the step it was last saved at (0 for a world never saved).</summary>
public sealed record ResumedWorld(WorldSession Session, long SavedStep);

/// <summary>Builds the session of a world that is not live: its last save (or its genesis) plus a replay of the actions logged after it.</summary>
public sealed partial class WorldResumer(ResumePoints points, LogCatchUp catchUp, ActionMasks masks, IOptions<CoherenceOptions> coherence,
    TimeProvider clock, ILogger<WorldResumer> logger)
{
    /// <exception cref="WorldUnavailableException">The world cannot run here.</exception>
    public async Task<ResumedWorld> ResumeAsync(WorldRecord record, CancellationToken cancellationToken)
    {
        ResumePoint from = await points.ReadAsync(record, cancellationToken);
        var session = new WorldSession(record.Id, (ulong)record.Seed, from.Model, from.State, from.Memory, clock, coherence.Value, logger);
        masks.Set(record.Id, record.DisabledActions);
        await catchUp.CatchUpAsync(session, from.Actions, cancellationToken);
        // A world without a save resumes from its genesis, which is as good as a save at step 0.
        long savedStep = from.Save?.Step ?? 0;
        LogResumed(logger, record.Id, savedStep, from.Actions.Length, session.Step);
        return new ResumedWorld(session, savedStep);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} resumed from step {SaveStep} plus {Replayed} logged actions, at step {Step}")]
    private static partial void LogResumed(ILogger logger, string worldId, long saveStep, int replayed, long step);
}
