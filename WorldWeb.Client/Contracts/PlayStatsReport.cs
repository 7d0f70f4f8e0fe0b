namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>POST /api/play/stats</c>: what a play page measured over its last seconds (<c>FrameStats</c>) — action→frame
/// latency p50 and p99 over <paramref name="LatencySamples"/> answered actions, frames per second and pacing (the
/// spread of the gaps between frames). Sent every <see cref="Every"/> while a world plays; the node that serves the
/// page counts it in /metrics and the admin's nodes view.
/// </summary>
public sealed record PlayStatsReport(double? LatencyP50Ms, double? LatencyP99Ms, int LatencySamples, double? Fps, double? PacingMs)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
}

/// <summary>
/// What the play pages served by a node reported over the last minute: how many reports, the median of their
/// latency p50s, the largest of their p99s, and their median fps. Null fields: no report had that measure.
/// </summary>
public sealed record ClientPlayInfo(int Reports, double? LatencyP50Ms, double? LatencyP99Ms, double? Fps);
