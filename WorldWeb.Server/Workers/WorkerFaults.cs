using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorldWeb.Server.Workers;

/// <summary>
/// The last fault of each background worker (writers, sweepers, tick loops), for <c>/healthz</c>: a worker that failed
/// within <see cref="Window"/> makes the server degraded (the database away) or unhealthy (a bug), until it runs clean.
/// </summary>
public sealed class WorkerFaults(TimeProvider clock) : IHealthCheck
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, bool Transient, string Message)> _last = new(StringComparer.Ordinal);

    public void Failed(string worker, Exception exception, bool transient) =>
        _last[worker] = (clock.GetUtcNow(), transient, $"{exception.GetType().Name}: {exception.Message}");

    /// <summary>The worker ran clean: its earlier fault no longer counts.</summary>
    public void Succeeded(string worker) => _last.TryRemove(worker, out _);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DateTimeOffset since = clock.GetUtcNow() - Window;
        var recent = _last.Where(f => f.Value.At >= since).ToList();
        if (recent.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every background worker ran clean"));
        }
        var data = recent.ToDictionary(f => f.Key, f => (object)f.Value.Message);
        string names = string.Join(", ", recent.Select(f => f.Key));
        return Task.FromResult(recent.All(f => f.Value.Transient)
            ? HealthCheckResult.Degraded($"waiting for the database: {names}", data: data)
            : HealthCheckResult.Unhealthy($"failing: {names}", data: data));
    }
}
