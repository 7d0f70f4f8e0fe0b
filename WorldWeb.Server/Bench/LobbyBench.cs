using System.Diagnostics;
using System.Text.Json;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>bench serve --lobby-visitors V</c>: what V people on the lobby cost the server, set against what one more world
/// costs. This process's CPU (cores busy) is measured over equal stages: the requested worlds watched; the same with V
/// visitors on the lobby (<see cref="LobbyVisitors"/>, in a process of their own, so their clients' work is not counted),
/// each holding a stream as the page does or, with <c>--lobby-mode poll</c>, polling as it did; and one more world
/// watched instead. The stages are interleaved over rounds, and the
/// lobby's and one more world's costs are the medians of each round's differences from its own worlds-only stage: a
/// machine whose load drifts drifts under all three stages of a round alike (on this 2-core VM the same stage read
/// 0.26–0.37 cores from round to round, as much as a world). Two unmeasured lobby stages go first: the first
/// visitors' requests are what JIT-compiles the HTTP pipeline and the lobby's code, a cost a process pays once, not per
/// visitor (the worlds' own code was compiled by the stages before). A profile (perf) found the JIT at 0.19 cores in
/// the first lobby stage, 0.11 in the second and under 0.01 from the third on.
/// </summary>
internal sealed class LobbyBench(BenchWorlds worlds, Uri server, int visitors, int count, double seconds, string mode)
{
    private const int Rounds = 5;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task<LobbyBenchResult> RunAsync()
    {
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            await CpuWithVisitorsAsync();
        }
        double idle = await CpuAsync(0);
        List<double> alone = [], lobby = [], oneMore = [];
        List<string> seen = [];
        for (int round = 0; round < Rounds; round++)
        {
            alone.Add(await CpuAsync(count));
            (double cores, string read) = await CpuWithVisitorsAsync();
            lobby.Add(cores);
            seen.Add(read);
            oneMore.Add(await CpuAsync(count + 1));
        }
        worlds.Watch(0);
        (double a, double l, double o) = (Median(alone), Median(lobby), Median(oneMore));
        double lobbyCost = Median([.. lobby.Zip(alone, (x, y) => x - y)]), worldCost = Median([.. oneMore.Zip(alone, (x, y) => x - y)]);
        // What the visitors read in the median round, by its p99 (a poll's latency, a snapshot's lag).
        LobbyPolls? polls = mode == LobbyVisitors.Poll
            ? seen.Select(j => Read<LobbyPolls>(j)).OrderBy(p => p.PollMsP99).ElementAt(Rounds / 2) : null;
        LobbyStreams? streams = mode == LobbyVisitors.Stream
            ? seen.Select(j => Read<LobbyStreams>(j)).OrderBy(p => p.LagMsP99).ElementAt(Rounds / 2) : null;
        var result = new LobbyBenchResult(visitors, mode, count, Rounds, Round(idle), Round(a), Round(l), Round(o),
            Round(lobbyCost), Round(worldCost), Round((a - idle) / count),
            lobby.Zip(oneMore).Count(r => Round(r.First) < Round(r.Second)), [.. alone.Select(Round)], [.. lobby.Select(Round)], [.. oneMore.Select(Round)],
            polls, streams);
        Console.Error.WriteLine($"bench serve: lobby of {visitors} visitors ({mode}) beside {count} worlds: {result.LobbyCores:F3} cores; one more world: " +
            $"{result.OneMoreWorldCores:F3} cores (a world's mean {result.MeanWorldCores:F3}); the lobby below one more world in {result.RoundsLobbyBelowWorld} of {Rounds} rounds; worlds / with the lobby / one more world: " +
            $"[{string.Join(" ", alone.Select(x => x.ToString("F3")))}] [{string.Join(" ", lobby.Select(x => x.ToString("F3")))}] [{string.Join(" ", oneMore.Select(x => x.ToString("F3")))}]");
        return result;
    }

    private static double Round(double cores) => Math.Round(cores, 3);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"the lobby's visitors printed {json}");

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Cores busy in this process over a stage with <paramref name="watched"/> worlds.</summary>
    private async Task<double> CpuAsync(int watched)
    {
        worlds.Watch(watched);
        await Task.Delay(Settle);
        return await MeasureAsync();
    }

    /// <summary>Cores busy with the worlds and the visitors, and the visitors' JSON line of what they read.</summary>
    private async Task<(double Cores, string Read)> CpuWithVisitorsAsync()
    {
        worlds.Watch(count);
        // dotnet WorldWeb.Server.dll, or the published apphost itself.
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LobbyBench).Assembly.Location);
        }
        foreach (string arg in (string[])["bench", "lobby-visitors", server.ToString(), visitors.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (Settle.TotalSeconds + seconds + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), mode])
        {
            start.ArgumentList.Add(arg);
        }
        using Process pages = Process.Start(start) ?? throw new InvalidOperationException("the lobby's visitors did not start");
        if (await pages.StandardOutput.ReadLineAsync() != "ready")
        {
            throw new InvalidOperationException("the lobby's visitors stopped before their first round");
        }
        await Task.Delay(Settle);
        double cores = await MeasureAsync();
        string? json = await pages.StandardOutput.ReadLineAsync();
        await pages.WaitForExitAsync();
        return (cores, json ?? throw new InvalidOperationException($"the lobby's visitors ended with {pages.ExitCode} and no counts"));
    }

    private async Task<double> MeasureAsync()
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan before = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / wall.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// What <c>bench serve --lobby-visitors V</c> adds: how the visitors read the lobby (<c>stream</c> or <c>poll</c>), this
/// process's cores busy with nothing watched, with the worlds, with the worlds and the lobby's visitors, and with one more
/// world (medians of the rounds); the lobby's cost and one more world's as medians of the rounds' differences, a world's
/// mean cost ((worlds − idle) / worlds), in how many rounds the lobby's stage cost less than one more world's, each
/// stage's cores round by round, and what the visitors saw in the median round (<c>polls</c> or <c>streams</c>, by mode).
/// </summary>
public sealed record LobbyBenchResult(int Visitors, string Mode, int Worlds, int Rounds, double IdleCores, double WorldsCores, double WorldsAndLobbyCores,
    double OneMoreWorldStageCores, double LobbyCores, double OneMoreWorldCores, double MeanWorldCores, int RoundsLobbyBelowWorld,
    double[] WorldsCoresByRound, double[] WorldsAndLobbyCoresByRound, double[] OneMoreWorldCoresByRound, LobbyPolls? Polls, LobbyStreams? Streams);
