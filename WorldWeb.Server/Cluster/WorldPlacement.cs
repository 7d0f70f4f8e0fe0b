using Orleans.Placement;
using Orleans.Runtime.Placement;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

[Serializable, GenerateSerializer, Immutable]
public sealed class WorldPlacementStrategy : PlacementStrategy;

/// <summary>Places a world grain with <see cref="WorldPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WorldPlacementAttribute() : PlacementAttribute(new WorldPlacementStrategy());

/// <summary>
/// Where a world goes live: on a node that has its model loaded, is not draining, and has the most free batch slots
/// for that model (its measured capacity less the worlds of the model it steps), as the nodes last reported
/// (<see cref="NodeReports"/>). With no report that fits (a node just started, or none has the model) it opens where
/// it was asked for, and says so if the model is missing there.
/// </summary>
internal sealed partial class WorldPlacementDirector(WorldStore store, NodeReports reports, ILogger<WorldPlacementDirector> logger) : IPlacementDirector
{
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = context.GetCompatibleSilos(target);
        string worldId = target.GrainIdentity.Key.ToString()!;
        string? model = (await store.FindAsync(worldId, CancellationToken.None))?.Model;
        SiloAddress? best = model is null ? null : reports.Choose(model, silos);
        // No report fits: here, unless this node drains and another can take it.
        SiloAddress chosen = best ?? (silos.Contains(context.LocalSilo) && (!reports.Draining || silos.Length == 1)
            ? context.LocalSilo
            : silos.Where(s => s != context.LocalSilo).DefaultIfEmpty(context.LocalSilo).ElementAt(Random.Shared.Next(Math.Max(1, silos.Length - 1))));
        LogPlaced(logger, worldId, chosen, best is not null ? "most free slots for its model" : "no fresh report of its model");
        return chosen;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} placed on {Silo}: {Why}")]
    private static partial void LogPlaced(ILogger logger, string worldId, SiloAddress silo, string why);
}
