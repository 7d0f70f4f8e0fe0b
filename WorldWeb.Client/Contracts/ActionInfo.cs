using MessagePack;

namespace WorldWeb.Client.Contracts;

/// <summary>One action of a model's manifest; <c>keys</c> are browser <c>KeyboardEvent.code</c> values.</summary>
[MessagePackObject]
public sealed record ActionInfo(
    [property: Key("index")] int Index,
    [property: Key("name")] string Name,
    [property: Key("keys")] IReadOnlyList<string> Keys);
