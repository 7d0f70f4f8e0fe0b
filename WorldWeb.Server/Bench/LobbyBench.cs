using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>bench serve --lobby-visitors V</c>: what V people on the lobby cost the server, set against what one more world
/// costs. Process CPU (cores busy) is measured over equal stages: the requested worlds watched; the same with V
/// visitors polling <c>GET /api/lobby/live</c> as the page does (twice a second, the ETag sent back, each with its own
/// cookie); and one more world watched instead. The visitors' HTTP clients run in this process, so the lobby's
/// figure includes their work too: an upper bound of the server's.
/// </summary>
internal sealed class LobbyBench(BenchWorlds worlds, Uri server, int visitors, int count, double seconds)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    public async Task<LobbyBenchResult> RunAsync()
    {
        double idle = await CpuAsync(0, 0);
        double alone = await CpuAsync(count, 0);
        double lobby = await CpuAsync(count, visitors);
        (int polls, int notModified, long bytes) = (_polls, _notModified, _bytes);
        double oneMore = await CpuAsync(count + 1, 0);
        worlds.Watch(0);
        var result = new LobbyBenchResult(visitors, count, Math.Round(idle, 3), Math.Round(alone, 3), Math.Round(lobby, 3), Math.Round(oneMore, 3),
            Math.Round(lobby - alone, 3), Math.Round(oneMore - alone, 3), Math.Round((alone - idle) / count, 3),
            polls, notModified, Math.Round(bytes / seconds / 1024, 1), Math.Round(Percentile(_latencies, 0.5), 2), Math.Round(Percentile(_latencies, 0.99), 2));
        Console.Error.WriteLine($"bench serve: lobby of {visitors} visitors beside {count} worlds: {result.LobbyCores:F3} cores; one more world: " +
            $"{result.OneMoreWorldCores:F3} cores (a world's mean {result.MeanWorldCores:F3})");
        return result;
    }

    private int _polls, _notModified;
    private long _bytes;
    private readonly List<double> _latencies = [];

    /// <summary>Cores busy in this process over a stage with <paramref name="watched"/> worlds and <paramref name="polling"/> lobby visitors.</summary>
    private async Task<double> CpuAsync(int watched, int polling)
    {
        worlds.Watch(watched);
        using var stop = new CancellationTokenSource();
        Task[] pollers = [.. Enumerable.Range(0, polling).Select(i => Task.Run(() => VisitAsync(i, stop.Token)))];
        await Task.Delay(TimeSpan.FromSeconds(1));  // settle: cookies issued, worlds stepping
        _polls = _notModified = 0;
        _bytes = 0;
        lock (_latencies) { _latencies.Clear(); }
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        // Polls answered after the stage are not counted (the pollers stop next).
        (int polls, int notModified, long bytes) = (Volatile.Read(ref _polls), Volatile.Read(ref _notModified), Interlocked.Read(ref _bytes));
        double cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(pollers);
        (_polls, _notModified, _bytes) = (polls, notModified, bytes);
        return cores;
    }

    /// <summary>One lobby page: a poll every half second, as a browser makes it (its cookie, its entity tag).</summary>
    private async Task VisitAsync(int visitor, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server };
        EntityTagHeaderValue? tag = null;
        // Visitors spread over the half second, as pages opened at different moments are.
        try
        {
            await Task.Delay(PollEvery * visitor / Math.Max(1, visitors), stop);
            using var timer = new PeriodicTimer(PollEvery);
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/lobby/live");
                if (tag is not null)
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }
                var asked = Stopwatch.StartNew();
                using HttpResponseMessage response = await http.SendAsync(request, stop);
                byte[] body = await response.Content.ReadAsByteArrayAsync(stop);
                lock (_latencies) { _latencies.Add(asked.Elapsed.TotalMilliseconds); }
                Interlocked.Increment(ref _polls);
                Interlocked.Add(ref _bytes, body.Length);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    Interlocked.Increment(ref _notModified);
                }
                else
                {
                    response.EnsureSuccessStatusCode();
                    tag = response.Headers.ETag;
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        lock (values)
        {
            if (values.Count == 0)
            {
                return 0;
            }
            double[] sorted = [.. values.Order()];
            return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        }
    }
}

/// <summary>
/// What <c>bench serve --lobby-visitors V</c> adds: process cores busy with nothing watched, with the worlds, with the
/// worlds and the lobby's visitors, and with one more world; the lobby's cost and one more world's as differences,
/// a world's mean cost, and the lobby's polls (how many were 304), bytes per second and poll latency.
/// </summary>
public sealed record LobbyBenchResult(int Visitors, int Worlds, double IdleCores, double WorldsCores, double WorldsAndLobbyCores,
    double OneMoreWorldStageCores, double LobbyCores, double OneMoreWorldCores, double MeanWorldCores,
    int Polls, int NotModified, double KibPerSecond, double PollMsP50, double PollMsP99);
