using MessagePack;

namespace WorldWeb.Client.Contracts;

/// <summary>
/// One encoded frame of the hub's <c>Frames</c> stream. <c>LastActionSeq</c> is the <c>seq</c> of the action
/// applied at this step (0 before the caller's world received any action).
/// </summary>
[MessagePackObject]
public sealed record FrameMessage(
    [property: Key("step")] long Step,
    [property: Key("lastActionSeq")] long LastActionSeq,
    [property: Key("contentType")] string ContentType,
    [property: Key("data")] byte[] Data,
    [property: Key("serverTimeMs")] long ServerTimeMs);
