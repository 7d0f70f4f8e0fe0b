using MessagePack;

namespace WorldWeb.Client.Contracts;

/// <summary>
/// An item of the hub's <c>WaitInLine</c> stream: the caller's place in the line for a world of a full server (1 is
/// next), and about how long until its turn (null until the server has seen places given out lately). The last item
/// has <see cref="Admitted"/>: the world is open for the caller, who joins it now with <c>JoinWorld</c>.
/// </summary>
[MessagePackObject]
public sealed record LinePlace(
    [property: Key("position")] int Position,
    [property: Key("estimateSeconds")] int? EstimateSeconds,
    [property: Key("admitted")] bool Admitted);
