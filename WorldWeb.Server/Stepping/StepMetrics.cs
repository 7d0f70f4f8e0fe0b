using System.Diagnostics.Metrics;

namespace WorldWeb.Server.Stepping;

/// <summary>The <c>WorldWeb.Stepping</c> meter: inference runs, rows per run, step, tick and tick-part time, frames and bytes sent.</summary>
public sealed class StepMetrics
{
    public const string MeterName = "WorldWeb.Stepping";
    public const string TickInstrument = "worldweb.step.tick";
    public const string PartInstrument = "worldweb.step.part";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _tickMs;
    private readonly Histogram<double> _stepMs;
    private readonly Histogram<double> _partMs;
    private readonly Histogram<int> _batch;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _worldFailures;

    public StepMetrics(IMeterFactory meters)
    {
        Meter meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("worldweb.step.runs", description: "ticks that stepped worlds");
        _rows = meter.CreateCounter<long>("worldweb.step.rows", description: "world steps made by those runs");
        _tickMs = meter.CreateHistogram<double>(TickInstrument, unit: "ms", description: "time of one scheduler tick, from filling its batch to publishing its frames");
        _stepMs = meter.CreateHistogram<double>("worldweb.step.time", unit: "ms", description: "time of one tick's batched inference (its sub-batches at once)");
        _partMs = meter.CreateHistogram<double>(PartInstrument, unit: "ms",
            description: "time of one part of a tick (tag part: fill, step, advance, log, wait, encode, publish)");
        _batch = meter.CreateHistogram<int>("worldweb.step.batch", description: "worlds stepped in one tick");
        _frames = meter.CreateCounter<long>("worldweb.frames.sent", description: "frames offered to viewers");
        _bytes = meter.CreateCounter<long>("worldweb.frames.bytes", unit: "By", description: "encoded bytes offered to viewers");
        _failures = meter.CreateCounter<long>("worldweb.step.failures", description: "ticks that failed (logged; the next tick retries)");
        _worldFailures = meter.CreateCounter<long>("worldweb.step.world_failures",
            description: "worlds taken out of play by a fault of their own step (logged; they resume from their last save)");
    }

    public void TickFailed(string model) => _failures.Add(1, new KeyValuePair<string, object?>("model", model));

    public void WorldFailed(string model) => _worldFailures.Add(1, new KeyValuePair<string, object?>("model", model));

    public void Tick(string model, int rows, TickParts parts, long frames, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _runs.Add(1, tag);
        _rows.Add(rows, tag);
        _tickMs.Record(parts.TotalMs, tag);
        _stepMs.Record(parts[TickPart.Step], tag);
        foreach (TickPart part in TickParts.All)
        {
            _partMs.Record(parts[part], tag, new KeyValuePair<string, object?>("part", TickParts.NameOf(part)));
        }
        _batch.Record(rows, tag);
        _frames.Add(frames, tag);
        _bytes.Add(bytes, tag);
    }
}
