using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// What the play page measures: frames per second over the last two seconds, frame pacing (the spread of the gaps
/// between frames), and action→frame latency — the time from sending action <c>seq</c> to the first frame whose
/// <c>lastActionSeq</c> reaches it — as its median and 99th percentile over the last five seconds. Times are in
/// milliseconds from any monotonic clock.
/// </summary>
public sealed class FrameStats
{
    private const double WindowMs = 2000;
    private const double LatencyWindowMs = 5000;

    /// <summary>A rate over less than this is mostly the burst a stream opens with ("22.3 of 20"): not shown.</summary>
    private const double LeastSpanMs = 1000;

    private readonly Queue<double> frameTimes = new();
    private readonly Queue<(double At, double Ms)> latencies = new();
    private readonly SortedDictionary<long, double> pending = [];

    public long Step { get; private set; } = -1;

    public long Frames { get; private set; }

    /// <summary>Frames per second over the last two seconds; null until frames span a second.</summary>
    public double? Fps { get; private set; }

    /// <summary>The standard deviation of the gaps between the last two seconds' frames; null with fewer than three.</summary>
    public double? JitterMs { get; private set; }

    /// <summary>The latest action's latency.</summary>
    public double? LatencyMs { get; private set; }

    public double? LatencyP50Ms { get; private set; }

    public double? LatencyP99Ms { get; private set; }

    /// <summary>How many answered actions <see cref="LatencyP50Ms"/> and <see cref="LatencyP99Ms"/> are of.</summary>
    public int LatencySamples => latencies.Count;

    /// <summary>What the page reports to the server (<see cref="PlayStatsReport"/>).</summary>
    public PlayStatsReport Report() => LatencySamples == 0
        ? new PlayStatsReport(null, null, 0, Fps, JitterMs)
        : new PlayStatsReport(LatencyP50Ms, LatencyP99Ms, LatencySamples, Fps, JitterMs);

    public void ActionSent(long seq, double nowMs) => pending[seq] = nowMs;

    public void FrameArrived(long step, long lastActionSeq, double nowMs)
    {
        Frames++;
        Step = step;
        frameTimes.Enqueue(nowMs);
        while (frameTimes.Peek() < nowMs - WindowMs)
        {
            frameTimes.Dequeue();
        }
        var span = nowMs - frameTimes.Peek();
        Fps = span >= LeastSpanMs ? (frameTimes.Count - 1) * 1000 / span : null;
        JitterMs = Spread(frameTimes);

        double? sentAt = null;
        while (pending.Count > 0)
        {
            var (seq, time) = pending.First();
            if (seq > lastActionSeq)
            {
                break;
            }

            sentAt = time;
            pending.Remove(seq);
        }

        if (sentAt is { } sent)
        {
            LatencyMs = nowMs - sent;
            latencies.Enqueue((nowMs, nowMs - sent));
        }
        while (latencies.Count > 0 && latencies.Peek().At < nowMs - LatencyWindowMs)
        {
            latencies.Dequeue();
        }
        var sorted = latencies.Select(l => l.Ms).Order().ToArray();
        LatencyP50Ms = sorted.Length == 0 ? null : Percentile(sorted, 0.50);
        LatencyP99Ms = sorted.Length == 0 ? null : Percentile(sorted, 0.99);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double? Spread(IEnumerable<double> times)
    {
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
        if (gaps.Length < 2)
        {
            return null;
        }
        var mean = gaps.Average();
        return Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length);
    }
}
