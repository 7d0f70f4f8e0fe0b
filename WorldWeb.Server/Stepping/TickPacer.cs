using System.Diagnostics;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Paces a tick loop by sleeping the thread that runs it until the next tick is due. A <see cref="PeriodicTimer"/>
/// would not do on the tick threads: its ticks are signalled from the thread pool's queue, and under a flood of
/// hub calls a tick waited there for up to a second. Like that timer, a loop that overran gets one tick at once,
/// not a burst to catch up.
/// </summary>
internal sealed class TickPacer(TimeSpan period)
{
    private readonly long _period = (long)(period.TotalSeconds * Stopwatch.Frequency);
    private long _next = Stopwatch.GetTimestamp();

    /// <summary>Sleeps until the next tick is due; false once <paramref name="stoppingToken"/> is cancelled.</summary>
    public bool WaitForNextTick(CancellationToken stoppingToken)
    {
        long now = Stopwatch.GetTimestamp();
        _next = Math.Max(_next + _period, now);
        return !stoppingToken.WaitHandle.WaitOne(Stopwatch.GetElapsedTime(now, _next));
    }
}
