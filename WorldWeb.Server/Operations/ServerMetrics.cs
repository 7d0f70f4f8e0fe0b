using System.Diagnostics.Metrics;
using WorldWeb.Server.LocalWorlds;

namespace WorldWeb.Server.Operations;

/// <summary>
/// The <c>WorldWeb.Server</c> meter: live sessions, their viewers and mean actual fps per model (observed at
/// scrape time), and refusals by kind (hub errors, rate limits, quotas).
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "WorldWeb.Server";

    private readonly Counter<long> _errors;

    public ServerMetrics(IMeterFactory meters, WorldDirectory directory)
    {
        Meter meter = meters.Create(MeterName);
        _errors = meter.CreateCounter<long>("worldweb.errors", description: "refused hub calls and API requests, by kind");
        meter.CreateObservableGauge("worldweb.sessions.live", () => directory.Live.Count, description: "live worlds");
        meter.CreateObservableGauge("worldweb.sessions.viewers", () => directory.Live.Sum(s => s.Viewers), description: "frame streams open");
        meter.CreateObservableGauge("worldweb.sessions.fps", () => directory.Live.Where(s => s.Viewers > 0).GroupBy(s => s.ModelName)
            .Select(g => new Measurement<double>(g.Average(s => s.ActualFps), new KeyValuePair<string, object?>("model", g.Key))),
            unit: "{frame}/s", description: "mean actual fps of the watched worlds of a model");
    }

    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
