using MessagePack;

namespace WorldWeb.Client.Contracts;

/// <summary>The answer to the hub's <c>JoinWorld</c>: what the caller joined and as whom.</summary>
[MessagePackObject]
public sealed record WorldInfo(
    [property: Key("worldId")] string WorldId,
    [property: Key("title")] string Title,
    [property: Key("model")] string Model,
    [property: Key("width")] int Width,
    [property: Key("height")] int Height,
    [property: Key("fps")] double Fps,
    [property: Key("actions")] IReadOnlyList<ActionInfo> Actions,
    [property: Key("role")] string Role,
    [property: Key("step")] long Step);
