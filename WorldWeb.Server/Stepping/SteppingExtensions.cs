using WorldWeb.Server.Frames;

namespace WorldWeb.Server.Stepping;

public static class SteppingExtensions
{
    public static WebApplicationBuilder AddStepping(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FrameEncoderOptions>().BindConfiguration(FrameEncoderOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FrameEncoder>();
        builder.Services.AddOptions<SteppingOptions>().BindConfiguration(SteppingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StepMetrics>();
        builder.Services.AddSingleton<StepSchedulers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StepSchedulers>());
        builder.Services.AddHealthChecks().AddCheck<ModelFaultHealthCheck>("model-runs");
        builder.Services.AddSingleton<WriteBacklog>();
        builder.Services.AddSingleton<WorldReplayer>();
        return builder;
    }
}
