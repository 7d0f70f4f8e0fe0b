namespace WorldWeb.Client.Contracts;

/// <summary>
/// Body of <c>POST /api/clips</c>: steps <c>FromStep</c> to <c>ToStep</c> (both shown) of the world <c>World</c>, a
/// world id or a share-link token as <c>JoinWorld</c> takes.
/// </summary>
public sealed record CreateClipRequest(string? World, long? FromStep, long? ToStep);

/// <summary>
/// A clip as <c>GET /api/clips/{id}</c> tells it. <c>Status</c> is one of <see cref="ClipStatuses"/>; <c>Percent</c>
/// is the render's progress; <c>VideoUrl</c> and <c>EventsUrl</c> are set once it is ready, <c>AnimationUrl</c> too for
/// a short clip (an animated GIF). <c>Url</c> is the clip's own page, which anyone holding it may open.
/// </summary>
public sealed record ClipInfo(
    string Id,
    string WorldId,
    string WorldTitle,
    long FromStep,
    long ToStep,
    double Fps,
    string Status,
    int Percent,
    string? Error,
    long Bytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool IsMine,
    string Url,
    string? VideoUrl,
    string? EventsUrl,
    string? AnimationUrl = null)
{
    public long Steps => ToStep - FromStep + 1;

    public bool IsDone => Status is ClipStatuses.Ready or ClipStatuses.Failed;
}

public static class ClipStatuses
{
    public const string Queued = "queued";
    public const string Rendering = "rendering";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>
/// One line of a clip's events file (JSON Lines): the step a video frame shows, its time in the video in seconds, the
/// name of the action applied to make it (null for a world's first step) and who acted, when the server knows.
/// </summary>
public sealed record ClipEvent(long Step, double Time, string? Action, string? Who);
