using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>WorldWeb.Server bench lobby-visitors URL V SECONDS</c>: V lobby pages polling <c>GET /api/lobby/live</c> at URL as
/// the page does (every <see cref="WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery"/>, the ETag sent back, each with its own cookie) for SECONDS after a first round; it
/// prints <c>ready</c> after that round and a <see cref="LobbyPolls"/> JSON line at the end. A process of its own, so
/// that <see cref="LobbyBench"/> measures the server's CPU without the clients'. A command-line program: it talks to the console.
/// </summary>
public static class LobbyVisitors
{
    public static readonly TimeSpan PollEvery = WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery;

    public static bool Matches(string[] args) => args is ["bench", "lobby-visitors", _, _, _, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var server = new Uri(args[2]);
        int visitors = int.Parse(args[3], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        var counts = new Counts();
        using var stop = new CancellationTokenSource();
        using var firstRound = new CountdownEvent(visitors);
        Task[] pages = [.. Enumerable.Range(0, visitors).Select(i => Task.Run(() => VisitAsync(server, i, visitors, counts, firstRound, stop.Token)))];
        firstRound.Wait();
        counts.Reset();
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        double elapsed = clock.Elapsed.TotalSeconds;
        LobbyPolls polls = counts.Summary(elapsed);
        await stop.CancelAsync();
        await Task.WhenAll(pages);
        Console.WriteLine(JsonSerializer.Serialize(polls, JsonSerializerOptions.Web));
        return 0;
    }

    private static async Task VisitAsync(Uri server, int visitor, int visitors, Counts counts, CountdownEvent firstRound, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server };
        EntityTagHeaderValue? tag = null;
        bool first = true;
        try
        {
            // Spread over the half second, as pages opened at different moments are.
            await Task.Delay(PollEvery * visitor / visitors, stop);
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
                if (response.StatusCode != HttpStatusCode.NotModified)
                {
                    response.EnsureSuccessStatusCode();
                    tag = response.Headers.ETag;
                }
                counts.Add(asked.Elapsed.TotalMilliseconds, body.Length, response.StatusCode == HttpStatusCode.NotModified);
                if (first)
                {
                    first = false;
                    firstRound.Signal();
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private sealed class Counts
    {
        private readonly Lock _gate = new();
        private readonly List<double> _ms = [];
        private int _notModified;
        private long _bytes;

        public void Add(double ms, int bytes, bool notModified)
        {
            lock (_gate)
            {
                _ms.Add(ms);
                _bytes += bytes;
                _notModified += notModified ? 1 : 0;
            }
        }

        public void Reset()
        {
            lock (_gate)
            {
                (_notModified, _bytes) = (0, 0);
                _ms.Clear();
            }
        }

        public LobbyPolls Summary(double seconds)
        {
            lock (_gate)
            {
                double[] sorted = [.. _ms.Order()];
                double At(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 2);
                return new LobbyPolls(sorted.Length, _notModified, Math.Round(sorted.Length / seconds, 1), Math.Round(_bytes / seconds / 1024, 1), At(0.5), At(0.99));
            }
        }
    }
}

/// <summary>What the lobby's visitors saw: polls (how many 304), polls and KiB per second, poll latency p50/p99 in ms.</summary>
public sealed record LobbyPolls(int Polls, int NotModified, double PollsPerSecond, double KibPerSecond, double PollMsP50, double PollMsP99);
