using System.Diagnostics.Metrics;

namespace WorldWeb.Server.Stepping;

/// <summary>The <c>WorldWeb.Stepping</c> meter: inference runs, rows per run and tick time.</summary>
public sealed class StepMetrics
{
    public const string MeterName = "WorldWeb.Stepping";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _tickMs;

    public StepMetrics(IMeterFactory meters)
    {
        Meter meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("worldweb.step.runs", description: "batched inference runs");
        _rows = meter.CreateCounter<long>("worldweb.step.rows", description: "world steps made by those runs");
        _tickMs = meter.CreateHistogram<double>("worldweb.step.tick", unit: "ms", description: "time of one scheduler tick");
    }

    public void Tick(string model, int rows, double tickMs)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _runs.Add(1, tag);
        _rows.Add(rows, tag);
        _tickMs.Record(tickMs, tag);
    }
}
