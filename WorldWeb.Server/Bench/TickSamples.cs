using System.Diagnostics.Metrics;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Server.Bench;

/// <summary>
/// Listens to the <c>WorldWeb.Stepping</c> meter, the one <c>/metrics</c> exports, and keeps the tick and tick-part
/// times recorded while <see cref="Collecting"/> is on: the benchmark measures what operators see.
/// </summary>
internal sealed class TickSamples : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<double> _ticks = [];
    private readonly Dictionary<string, List<double>> _parts = TickParts.All.ToDictionary(TickParts.NameOf, _ => new List<double>());

    public TickSamples()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StepMetrics.MeterName && instrument.Name is StepMetrics.TickInstrument or StepMetrics.PartInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    public bool Collecting { get; set; }

    private void OnMeasurement(Instrument instrument, double ms, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!Collecting)
        {
            return;
        }
        lock (_gate)
        {
            if (instrument.Name == StepMetrics.TickInstrument)
            {
                _ticks.Add(ms);
                return;
            }
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag is { Key: "part", Value: string part })
                {
                    _parts[part].Add(ms);
                }
            }
        }
    }

    /// <summary>Percentiles of what was collected since the last call, and forgets it.</summary>
    public (int Ticks, TickMs Ms) Take()
    {
        lock (_gate)
        {
            Percentiles ticks = Percentiles.Of(_ticks);
            var summary = (_ticks.Count, new TickMs(ticks.P50, ticks.P99, _parts.ToDictionary(p => p.Key, p => Percentiles.Of(p.Value))));
            _ticks.Clear();
            foreach (List<double> part in _parts.Values)
            {
                part.Clear();
            }
            return summary;
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Tick time in ms (p50, p99), and each part's.</summary>
public sealed record TickMs(double P50, double P99, Dictionary<string, Percentiles> Parts);

public sealed record Percentiles(double P50, double P99)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new Percentiles(0, 0);
        }
        double[] sorted = [.. values.Order()];
        return new Percentiles(Math.Round(At(sorted, 0.50), 3), Math.Round(At(sorted, 0.99), 3));
    }

    private static double At(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
}
