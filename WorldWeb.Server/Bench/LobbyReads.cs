namespace WorldWeb.Server.Bench;

/// <summary>What the lobby's simulated pages read, from all their threads: times in ms, bytes, and the reads that carried no snapshot.</summary>
internal sealed class LobbyReads
{
    private readonly Lock _gate = new();
    private readonly List<double> _ms = [];
    private int _reads, _empty;
    private long _bytes;

    /// <param name="ms">A poll's latency, a snapshot's lag; null for a read that has none (a keep-alive).</param>
    /// <param name="empty">A 304, a keep-alive: the page read no new snapshot.</param>
    public void Add(double? ms, int bytes, bool empty)
    {
        lock (_gate)
        {
            if (ms is { } value)
            {
                _ms.Add(value);
            }
            _reads++;
            _bytes += bytes;
            _empty += empty ? 1 : 0;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            (_reads, _empty, _bytes) = (0, 0, 0);
            _ms.Clear();
        }
    }

    public LobbyPolls Polls(double seconds)
    {
        lock (_gate)
        {
            (double p50, double p99) = Percentiles();
            return new LobbyPolls(_reads, _empty, Math.Round(_reads / seconds, 1), KibPerSecond(seconds), p50, p99);
        }
    }

    public LobbyStreams Streams(int streams, double seconds)
    {
        lock (_gate)
        {
            (double p50, double p99) = Percentiles();
            int snapshots = _reads - _empty;
            return new LobbyStreams(streams, snapshots, _empty, Math.Round(snapshots / seconds, 1), KibPerSecond(seconds), p50, p99);
        }
    }

    private double KibPerSecond(double seconds) => Math.Round(_bytes / seconds / 1024, 1);

    private (double P50, double P99) Percentiles()
    {
        double[] sorted = [.. _ms.Order()];
        double At(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 2);
        return (At(0.5), At(0.99));
    }
}
