using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Operations;

/// <summary>
/// What the play pages this node serves measured (<see cref="PlayStatsReport"/>), over the last <see cref="Window"/>:
/// the admin's nodes view shows <see cref="Summary"/>, /metrics the same as gauges. A visitor's reports count at
/// most one per <see cref="MinInterval"/> (a page sends one every <see cref="PlayStatsReport.Every"/>), so one
/// visitor cannot outweigh the others.
/// </summary>
public sealed class PlayStats
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(5);

    /// <summary>Reports kept at most, however many visitors send them: the summary is of the latest.</summary>
    private const int MaxReports = 10_000;

    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<(DateTimeOffset At, PlayStatsReport Report)> _reports = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFrom = new(StringComparer.Ordinal);
    private volatile ClientPlayInfo? _summary;
    private DateTimeOffset _summarizedAt;

    public PlayStats(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        Meter meter = meters.Create(ServerMetrics.MeterName);
        meter.CreateObservableGauge("worldweb.client.latency.p50", () => Observe(s => s.LatencyP50Ms), unit: "ms",
            description: "median of the action→frame latency p50s play pages reported in the last minute");
        meter.CreateObservableGauge("worldweb.client.latency.p99", () => Observe(s => s.LatencyP99Ms), unit: "ms",
            description: "largest action→frame latency p99 a play page reported in the last minute");
        meter.CreateObservableGauge("worldweb.client.fps", () => Observe(s => s.Fps),
            description: "median frames per second play pages reported in the last minute");
        meter.CreateObservableGauge("worldweb.client.reports", () => Summary().Reports, description: "play-page reports in the last minute");
    }

    /// <summary>Counts <paramref name="report"/> from <paramref name="visitor"/>; false when that visitor reported less than <see cref="MinInterval"/> ago.</summary>
    public bool Add(string visitor, PlayStatsReport report)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        if (_lastFrom.TryGetValue(visitor, out DateTimeOffset last) && now - last < MinInterval)
        {
            return false;
        }
        _lastFrom[visitor] = now;
        _reports.Enqueue((now, report));
        Forget(now);
        _summary = null;
        return true;
    }

    /// <summary>The last minute's reports, summed up (computed at most once a second).</summary>
    public ClientPlayInfo Summary()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        if (_summary is { } cached && now - _summarizedAt < TimeSpan.FromSeconds(1))
        {
            return cached;
        }
        Forget(now);
        PlayStatsReport[] recent = [.. _reports.Select(r => r.Report)];
        var summary = new ClientPlayInfo(recent.Length,
            Median(recent.Select(r => r.LatencyP50Ms)),
            recent.Select(r => r.LatencyP99Ms).Max(),
            Median(recent.Select(r => r.Fps)));
        _summarizedAt = now;
        _summary = summary;
        return summary;
    }

    private IEnumerable<Measurement<double>> Observe(Func<ClientPlayInfo, double?> measure) =>
        measure(Summary()) is { } value ? [new Measurement<double>(value)] : [];

    private void Forget(DateTimeOffset now)
    {
        DateTimeOffset before = now - Window;
        while (_reports.TryPeek(out var oldest) && (oldest.At < before || _reports.Count > MaxReports))
        {
            _reports.TryDequeue(out _);
        }
        foreach ((string visitor, DateTimeOffset at) in _lastFrom)
        {
            if (at < now - MinInterval)
            {
                _lastFrom.TryRemove(visitor, out _);
            }
        }
    }

    private static double? Median(IEnumerable<double?> values)
    {
        double[] sorted = [.. values.OfType<double>().Order()];
        return sorted.Length == 0 ? null : Math.Round(sorted[sorted.Length / 2], 1);
    }
}
