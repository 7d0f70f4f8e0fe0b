using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorldWeb.Server.ModelPackages;

internal sealed class ModelHealthCheck(ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.All.Any()
            ? HealthCheckResult.Healthy($"models: {string.Join(", ", catalog.All.Select(m => $"{m.Name} ({m.RunsOn})"))}")
            : HealthCheckResult.Unhealthy("no model loaded"));
}
