using OpenTelemetry.Metrics;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Operations;

public static class OperationsExtensions
{
    /// <summary>OpenTelemetry metrics of WorldWeb's meters and ASP.NET Core's, exported for Prometheus.</summary>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<PlayStats>();
        builder.Services.AddSingleton<WorkerFaults>();
        builder.Services.AddHealthChecks().AddCheck<WorkerFaults>("workers").AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        // A background service that still throws must not take every world down with it (the default stops the host).
        builder.Services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(StepMetrics.MeterName, ServerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting")
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c> in the Prometheus text format. It tells nothing secret; keep it on the internal network anyway:
    /// <c>Metrics:Port</c> serves it on one port only, which may listen on loopback alone.
    /// </summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        // Resolved here so its observable gauges exist before the first scrape.
        app.Services.GetRequiredService<ServerMetrics>();
        app.Services.GetRequiredService<PlayStats>();
        app.MapPlayStatsApi();
        IEndpointConventionBuilder metrics = app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value.Port is { } port)
        {
            // The port the connection came in on, not the Host header (RequireHost): a client writes the header.
            metrics.Add(endpoint =>
            {
                RequestDelegate scrape = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = context =>
                {
                    if (context.Connection.LocalPort == port) return scrape(context);
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                };
            });
        }
        return app;
    }
}
