namespace WorldWeb.Client.Play;

/// <summary>
/// What the play page measures: frames per second over the last two seconds, and action→frame latency — the time
/// from sending action <c>seq</c> to the first frame whose <c>lastActionSeq</c> reaches it. Times are in
/// milliseconds from any monotonic clock.
/// </summary>
public sealed class FrameStats
{
    private const double WindowMs = 2000;
    private readonly Queue<double> frameTimes = new();
    private readonly SortedDictionary<long, double> pending = [];

    public long Step { get; private set; } = -1;

    public long Frames { get; private set; }

    public double Fps { get; private set; }

    public double? LatencyMs { get; private set; }

    public void ActionSent(long seq, double nowMs) => pending[seq] = nowMs;

    public void FrameArrived(long step, long lastActionSeq, double nowMs)
    {
        Frames++;
        Step = step;
        frameTimes.Enqueue(nowMs);
        while (frameTimes.Count > 0 && frameTimes.Peek() < nowMs - WindowMs)
        {
            frameTimes.Dequeue();
        }

        // Rate over the span actually covered, so the first second does not read low.
        var span = nowMs - frameTimes.Peek();
        Fps = frameTimes.Count > 1 && span > 0 ? (frameTimes.Count - 1) * 1000 / span : 0;

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
        }
    }
}
