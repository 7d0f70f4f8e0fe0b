using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Tests.Server;

/// <summary>Real schedulers without a host, for tests that tick them by hand.</summary>
internal static class TestSchedulers
{
    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <remarks>Its action log is only appended to, never flushed, so it needs no database.</remarks>
    /// <param name="meters">Where its stepping metrics go; a test that listens to them passes a factory of its own.</param>
    public static StepScheduler Create(LoadedModel model, int subBatches, IMeterFactory? meters = null) =>
        new(model, new FrameEncoder(Options.Create(new FrameEncoderOptions())),
            new WorldActionLog(null!, TimeProvider.System, Options.Create(new ActionLogOptions())),
            new StepMetrics(meters ?? Meters.GetRequiredService<IMeterFactory>()), NullLogger.Instance, TimeProvider.System, subBatches);
}
