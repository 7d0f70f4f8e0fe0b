using Microsoft.Extensions.Diagnostics.HealthChecks;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.ModelPackages;

internal sealed class ModelHealthCheck(ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.All.Any()
            ? HealthCheckResult.Healthy($"models: {string.Join(", ", catalog.All.Select(m => $"{m.Name} ({Describe(m.Package)})"))}")
            : HealthCheckResult.Unhealthy("no model loaded"));

    // How each model runs, as its load log line says: what an operator checks first when a GPU server is slow.
    private static string Describe(ModelPackage package) => string.Join(", ",
        new[] { package.ExecutionProvider.ToString(), package.Precision == Precision.Half ? "half precision" : null,
            package.PoolsContexts ? $"contexts {package.Contexts}" : null }.OfType<string>());
}
