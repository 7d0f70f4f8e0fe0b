namespace WorldWeb.Server.Line;

/// <summary>
/// The line of joins that wait for a place to run a world of one model (the grain's key), across the cluster: Orleans
/// keeps one activation, so the waiting joins of every node stand in one line, first come first served. Soft state:
/// a place not renewed within <see cref="LineOptions.LeaseSeconds"/> is gone (its client or its node went); when the
/// grain's node dies, the joins still waiting enter again at their next renewal, in the order they first entered.
/// </summary>
public interface IJoinLineGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes a place for <paramref name="ticket"/>, or renews the one it holds. <paramref name="since"/> is null on a
    /// first entry (the line stamps it), and the stamp it got then when it enters again after the line was lost.
    /// </summary>
    Task<LineStanding> Enter(string ticket, string address, DateTimeOffset? since);

    /// <summary>Renews the ticket's place and says where it stands; position 0 when it holds none (enter again).</summary>
    Task<LineStanding> Stand(string ticket);

    /// <summary>The ticket leaves the line: <paramref name="admitted"/> (its world opened), or it gave up waiting.</summary>
    Task Leave(string ticket, bool admitted);

    /// <summary>How many wait now.</summary>
    Task<int> Length();
}

/// <summary>
/// Where a ticket stands: its position (1 is next; 0: not in line), about how many seconds until its turn (null until
/// places have been given out lately), when it first entered, or why it may not enter.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LineStanding([property: Id(0)] int Position, [property: Id(1)] int? EstimateSeconds, [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string? Refusal = null);
