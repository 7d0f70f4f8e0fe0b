using MessagePack;

namespace WorldWeb.Tools.Load;

// The hub's messages as docs/protocol.md defines them, written from that document alone (as a third-party
// client would), not shared with the server.

[MessagePackObject]
public sealed record JoinedWorld(
    [property: Key("worldId")] string WorldId,
    [property: Key("fps")] double Fps,
    [property: Key("actions")] IReadOnlyList<ActionEntry> Actions,
    [property: Key("role")] string Role,
    [property: Key("step")] long Step);

[MessagePackObject]
public sealed record ActionEntry([property: Key("index")] int Index, [property: Key("name")] string Name);

[MessagePackObject]
public sealed record Frame(
    [property: Key("step")] long Step,
    [property: Key("lastActionSeq")] long LastActionSeq,
    [property: Key("contentType")] string ContentType,
    [property: Key("data")] byte[] Data,
    [property: Key("serverTimeMs")] long ServerTimeMs);
