using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Degraded while a model's runs fail, naming the model: the server serves its other models, and the failing one's
/// worlds wait (out of play after <see cref="SteppingOptions.FailedTicksToPause"/> failed ticks) until it runs again.
/// </summary>
internal sealed class ModelFaultHealthCheck(StepSchedulers schedulers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = schedulers.All.Select(s => (s.Model.Name, Problem: s.Fault.Describe())).Where(m => m.Problem is not null).ToList();
        if (failing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every model's runs succeed"));
        }
        var data = failing.ToDictionary(m => m.Name, m => (object)m.Problem!);
        return Task.FromResult(HealthCheckResult.Degraded(
            $"model runs failing: {string.Join("; ", failing.Select(m => $"{m.Name}: {m.Problem}"))}", data: data));
    }
}
