using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WorldWeb.Memory;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>Real schedulers and world sessions without a host, for tests that tick them by hand.</summary>
internal static class TestSchedulers
{
    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <remarks>Its action log is only appended to, never flushed, so it needs no database.</remarks>
    /// <param name="meters">Where its stepping metrics go; a test that listens to them passes a factory of its own.</param>
    /// <param name="logger">Where it logs; nowhere by default.</param>
    /// <param name="stepping">Its run timeout and how it bears failing runs; the defaults when null.</param>
    public static StepScheduler Create(LoadedModel model, int subBatches, IMeterFactory? meters = null, ILogger? logger = null,
        SteppingOptions? stepping = null) =>
        new(model, new FrameEncoder(Options.Create(new FrameEncoderOptions())),
            new WorldActionLog(null!, TimeProvider.System, Options.Create(new ActionLogOptions())),
            new StepMetrics(meters ?? Meters.GetRequiredService<IMeterFactory>()), logger ?? NullLogger.Instance, TimeProvider.System, subBatches, stepping);

    /// <summary>A new world of <paramref name="model"/> from <paramref name="seed"/>, with its memory, named after its seed.</summary>
    public static WorldSession NewSession(LoadedModel model, long seed) =>
        new($"{seed:x16}", (ulong)seed, model, WorldGenesis.Of(model, seed),
            NewMemory(model), TimeProvider.System);

    /// <summary>A memory of the server's default policy for worlds of <paramref name="model"/> (tokens where it carries its codebook).</summary>
    public static WorldMemory NewMemory(LoadedModel model) =>
        new(new MemoryPolicy(), MemoryFrameCodec.For(new MemoryPolicy(), model.Manifest.Frame.Width, model.Manifest.Frame.Height, model.Tokens));
}
