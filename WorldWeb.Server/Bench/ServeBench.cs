using System.Diagnostics;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.Bench;

/// <summary>
/// The stages of <c>bench serve</c>: the counts of watched worlds that <see cref="MostWorldsAtFpsAsync"/> tries, and
/// the requested count itself (beside a clip's render too, when one is asked for).
/// </summary>
internal sealed class ServeBench(BenchWorlds worlds, ServeBenchOptions options, ClipBench? clip = null, LobbyBench? lobby = null)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly int _fps = worlds.Model.Manifest.Fps;
    private readonly List<ServeStage> _stages = [];

    public async Task<ServeBenchResult> RunAsync()
    {
        using var samples = new TickSamples();
        int held = await MostWorldsAtFpsAsync(options.Worlds, async count => (await MeasureAsync(count, samples)).HoldsFps);
        ServeStage requested = _stages.FirstOrDefault(s => s.Worlds == options.Worlds) ?? await MeasureAsync(options.Worlds, samples);
        worlds.Watch(0);
        ModelPackage package = worlds.Model.Package;
        return new ServeBenchResult("serve", worlds.Model.Name, worlds.Model.Manifest.Version,
            package.ExecutionProvider.ToString().ToLowerInvariant(), package.Precision.ToString().ToLowerInvariant(), package.PadsBatches ? "powers-of-two" : "none",
            package.Contexts, Environment.ProcessorCount, CpuFeatures.Name, _fps, options.Seconds,
            requested.Worlds, requested.FpsPerWorld, requested.TickMs, held, [.. _stages.OrderBy(s => s.Worlds)],
            clip is null ? null : await clip.RunAsync(requested), lobby is null ? null : await lobby.RunAsync());
    }

    /// <summary>
    /// The most worlds, up to <paramref name="most"/>, that hold the fps: 1, 2, 4, … until a count does not, then
    /// halving the gap between the last that held and the first that did not, down to one world. Not to within a
    /// fraction: int8's gain is the ratio of two such counts (16 against 28–30 worlds on 2 cores), and stopping up to
    /// an eighth short of each would blur it by as much as the bar's margin.
    /// </summary>
    internal static async Task<int> MostWorldsAtFpsAsync(int most, Func<int, Task<bool>> holds)
    {
        int held = 0, failed = 0;
        for (int count = 1; count < most; count *= 2)
        {
            if (!await holds(count))
            {
                failed = count;
                break;
            }
            held = count;
        }
        if (failed == 0)
        {
            (held, failed) = await holds(most) ? (most, 0) : (held, most);
        }
        while (failed - held > 1)
        {
            int middle = (held + failed) / 2;
            if (await holds(middle)) held = middle; else failed = middle;
        }
        return held;
    }

    private async Task<ServeStage> MeasureAsync(int count, TickSamples samples)
    {
        worlds.Watch(count);
        await Task.Delay(Settle);
        worlds.TakeFrameCounts(count);
        samples.Take();
        samples.Collecting = true;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
        long[] frames = worlds.TakeFrameCounts(count);
        double seconds = clock.Elapsed.TotalSeconds;
        samples.Collecting = false;
        (int ticks, TickMs tickMs) = samples.Take();
        double[] fps = frames.Select(f => f / seconds).ToArray();
        var perWorld = new FpsPerWorld(Math.Round(fps.Average(), 2), Math.Round(fps.Min(), 2));
        var stage = new ServeStage(count, perWorld, tickMs, ticks, perWorld.Mean >= ServeBenchCommand.HoldsShare * _fps);
        _stages.Add(stage);
        Console.Error.WriteLine($"bench serve: {count} worlds: {perWorld.Mean:F1} fps per world (min {perWorld.Min:F1}) of {_fps}, " +
            $"tick p50 {tickMs.P50:F1} ms p99 {tickMs.P99:F1} ms, step p50 {tickMs.Parts["step"].P50:F1} ms{(stage.HoldsFps ? "" : ": below 95%")}");
        return stage;
    }
}

public sealed record FpsPerWorld(double Mean, double Min);

public sealed record ServeStage(int Worlds, FpsPerWorld FpsPerWorld, TickMs TickMs, int Ticks, bool HoldsFps);

/// <summary>What <c>bench serve</c> prints: the requested count's stage at the top, and every stage.</summary>
public sealed record ServeBenchResult(
    string Benchmark, string Model, string ModelVersion, string ExecutionProvider, string Precision, string BatchPadding, string Contexts,
    int ProcessorCount, string Cpu, int FpsTarget, double SecondsPerStage,
    int Worlds, FpsPerWorld FpsPerWorld, TickMs TickMs, int MaxWorldsAtFps, ServeStage[] Stages, ClipBenchResult? Clip = null, LobbyBenchResult? Lobby = null);
