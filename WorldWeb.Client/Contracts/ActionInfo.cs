using MessagePack;

namespace WorldWeb.Client.Contracts;

/// <summary>
/// One action of a model's manifest; <c>keys</c> are browser <c>KeyboardEvent.code</c> values. A <c>press</c> is sent
/// once per key press and applied at one step; any other action is held until another is sent. <c>changesWorld</c>
/// says the action changes the world (paints a wall).
/// </summary>
[MessagePackObject]
public sealed record ActionInfo(
    [property: Key("index")] int Index,
    [property: Key("name")] string Name,
    [property: Key("keys")] IReadOnlyList<string> Keys,
    [property: Key("press")] bool Press = false,
    [property: Key("changesWorld")] bool ChangesWorld = false);
