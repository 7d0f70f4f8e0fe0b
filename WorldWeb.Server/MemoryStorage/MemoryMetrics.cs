using System.Diagnostics.Metrics;

namespace WorldWeb.Server.MemoryStorage;

/// <summary>The <c>WorldWeb.Memory</c> meter: memory entries and frame bytes written to the store, and flush time.</summary>
public sealed class MemoryMetrics
{
    public const string MeterName = "WorldWeb.Memory";

    private readonly Counter<long> _entries;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _flushMs;

    public MemoryMetrics(IMeterFactory meters)
    {
        Meter meter = meters.Create(MeterName);
        _entries = meter.CreateCounter<long>("worldweb.memory.entries_written", description: "memory entries written to PostgreSQL");
        _bytes = meter.CreateCounter<long>("worldweb.memory.bytes_written", unit: "By", description: "stored frame bytes of those entries");
        _flushMs = meter.CreateHistogram<double>("worldweb.memory.flush", unit: "ms", description: "time of one batched memory write");
    }

    public void Flushed(int entries, long bytes, double ms)
    {
        _entries.Add(entries);
        _bytes.Add(bytes);
        _flushMs.Record(ms);
    }
}
