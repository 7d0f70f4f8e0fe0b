using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Load;

/// <summary>
/// ./worldweb bench load: N worlds, each with a player sending actions, and V viewers spread over them, all
/// real SignalR clients (MessagePack over WebSockets). Reports per-world target and actual fps, action→frame
/// latency by lastActionSeq, bytes per frame and errors.
/// </summary>
public static class LoadBenchCommand
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    public static int Run(CommandArgs args)
    {
        // Several URLs: the nodes of a cluster. World w is created and first opened through node w, played from the
        // next node and watched from the one after, and the results are split by whether a client sat on the node
        // that owns its world.
        var urls = (args.Text("url") ?? "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => new Uri(u)).ToArray();
        var worlds = args.Int("worlds", 2);
        var viewers = args.Int("viewers", 4);
        var seconds = args.Double("seconds", 20);
        var jsonPath = args.Text("json");
        args.EnsureAllRead();
        var result = RunAsync(urls, worlds, viewers, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }

    private static async Task<object> RunAsync(Uri[] urls, int worldCount, int viewerCount, TimeSpan measured)
    {
        var errors = new List<string>();
        var players = new List<Player>();
        var owners = new Dictionary<string, HttpClient>();
        for (var w = 0; w < worldCount; w++)
        {
            // One visitor per world, as in real use: the server caps live worlds per owner and world creation per
            // visitor and per IP address, and answers 429 with Retry-After beyond that, which the bench waits out.
            var cookies = new CookieContainer();
            var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = urls[w % urls.Length] };
            var created = await (await CreateWorldAsync(http, w)).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            var id = created.GetProperty("id").GetString()!;
            owners[id] = http;
            if (urls.Length > 1)
            {
                (await http.GetAsync($"/api/worlds/{id}/frame")).EnsureSuccessStatusCode();  // placed by the cluster, from this node
            }
            var link = await (await http.PostAsJsonAsync($"/api/worlds/{id}/links", new { role = "viewer" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            Uri playedFrom = urls[(w + 1) % urls.Length];
            players.Add(new Player(id, link.GetProperty("token").GetString()!, await ConnectAsync(playedFrom, cookies), playedFrom));
        }
        var watchers = new List<Watcher>();
        for (var v = 0; v < viewerCount; v++)
        {
            var player = players[v % players.Count];
            Uri watchedFrom = urls[(v % players.Count + 2) % urls.Length];
            watchers.Add(new Watcher(player.WorldId, await ConnectAsync(watchedFrom, new CookieContainer()), watchedFrom));
        }

        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var tasks = players.Select(p => p.RunAsync(clock, stop.Token, errors))
            .Concat(watchers.Select((w, i) => w.RunAsync(players[i % players.Count].Token, clock, stop.Token, errors)))
            .ToList();
        await Task.Delay(WarmUp + measured);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        var latencies = players.SelectMany(p => p.Latencies).Order().ToArray();
        var perWorld = new List<object>();
        var ownerOf = new Dictionary<string, string>();
        foreach (var p in players)
        {
            var viewerFps = watchers.Where(w => w.WorldId == p.WorldId).Select(w => Math.Round(w.Frames / measured.TotalSeconds, 2)).ToArray();
            var details = await owners[p.WorldId].GetFromJsonAsync<JsonElement>($"/api/worlds/{p.WorldId}");
            ownerOf[p.WorldId] = details.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString()!.TrimEnd('/') : "";
            perWorld.Add(new
            {
                id = p.WorldId,
                target_fps = p.TargetFps,
                actual_fps = Math.Round(p.Frames / measured.TotalSeconds, 2),
                server_fps = details.GetProperty("actualFps").GetDouble(),
                viewer_fps = viewerFps,
                actions_sent = p.Sent,
                node = ownerOf[p.WorldId],
            });
        }
        // Clients on the node that owns their world, and clients elsewhere whose frames and actions cross the cluster.
        object Path(bool local)
        {
            bool Here(Uri from, string worldId) => from.ToString().TrimEnd('/') == ownerOf[worldId];
            var ps = players.Where(p => Here(p.From, p.WorldId) == local).ToList();
            var ws = watchers.Where(w => Here(w.From, w.WorldId) == local).ToList();
            var lat = ps.SelectMany(p => p.Latencies).Order().ToArray();
            var fps = ps.Select(p => p.Frames / measured.TotalSeconds / p.TargetFps).Concat(ws.Select(w => w.Frames / measured.TotalSeconds / players.First(p => p.WorldId == w.WorldId).TargetFps)).ToArray();
            return new
            {
                players = ps.Count,
                viewers = ws.Count,
                fps_share_min = fps.Length == 0 ? (double?)null : Math.Round(fps.Min(), 3),
                fps_share_mean = fps.Length == 0 ? (double?)null : Math.Round(fps.Average(), 3),
                latency_ms = new { p50 = Percentile(lat, 0.50), p99 = Percentile(lat, 0.99), samples = lat.Length },
            };
        }
        object? byPath = urls.Length > 1 ? new { owning_node = Path(true), other_node = Path(false) } : null;
        foreach (var connection in players.Select(p => p.Connection).Concat(watchers.Select(w => w.Connection)))
        {
            await connection.DisposeAsync();
        }
        foreach (var owner in owners.Values)
        {
            owner.Dispose();
        }
        long frames = players.Sum(p => p.Frames) + watchers.Sum(w => w.Frames);
        long bytes = players.Sum(p => p.Bytes) + watchers.Sum(w => w.Bytes);
        return new
        {
            benchmark = "load",
            url = string.Join(',', urls.Select(u => u.ToString())),
            seconds = measured.TotalSeconds,
            worlds = perWorld,
            viewers = viewerCount,
            latency_ms = new { p50 = Percentile(latencies, 0.50), p99 = Percentile(latencies, 0.99), samples = latencies.Length },
            by_path = byPath,
            bytes_per_frame = frames == 0 ? 0 : Math.Round((double)bytes / frames, 1),
            errors = errors.Count,
            error_messages = errors.Distinct().Take(10).ToArray(),
        };
    }

    /// <summary>Null without samples (JSON has no NaN).</summary>
    private static double? Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))], 1);

    private static async Task<HttpResponseMessage> CreateWorldAsync(HttpClient http, int w)
    {
        while (true)
        {
            var response = await http.PostAsJsonAsync("/api/worlds", new { title = $"load {w}", seed = 1000 + w });
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return response;
            }
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<HubConnection> ConnectAsync(Uri url, CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "/hubs/world"), o => { o.Cookies = cookies; o.Transports = HttpTransportType.WebSockets; })
            .AddMessagePackProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private static bool Measuring(Stopwatch clock) => clock.Elapsed >= WarmUp;

    /// <summary>The owner of a world: streams it and sends a new action every 100 ms.</summary>
    private sealed class Player(string worldId, string token, HubConnection connection, Uri from)
    {
        public Uri From => from;
        private readonly Dictionary<long, double> _sentAt = [];
        private long _answered;

        public string WorldId => worldId;
        public string Token => token;
        public HubConnection Connection => connection;
        public double TargetFps { get; private set; }
        public long Frames, Bytes, Sent;
        public List<double> Latencies { get; } = [];

        public async Task RunAsync(Stopwatch clock, CancellationToken stop, List<string> errors)
        {
            try
            {
                var info = await connection.InvokeAsync<JoinedWorld>("JoinWorld", worldId, stop);
                TargetFps = info.Fps;
                var frames = await connection.StreamAsChannelAsync<Frame>("Frames", worldId, stop);
                var acting = ActAsync(info.Actions.Count, clock, stop, errors);
                await foreach (var frame in frames.ReadAllAsync(stop))
                {
                    var now = clock.Elapsed.TotalMilliseconds;
                    lock (_sentAt)
                    {
                        // The first frame that reports a seq answers every action up to it.
                        for (var seq = _answered + 1; seq <= frame.LastActionSeq; seq++)
                        {
                            if (_sentAt.Remove(seq, out var sent) && Measuring(clock)) Latencies.Add(now - sent);
                        }
                        _answered = Math.Max(_answered, frame.LastActionSeq);
                    }
                    if (Measuring(clock)) { Frames++; Bytes += frame.Data.Length; }
                }
                await acting;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) when (e is HubException or ChannelClosedException or InvalidOperationException or IOException)
            {
                lock (errors) errors.Add(e.Message);
            }
        }

        private async Task ActAsync(int actions, Stopwatch clock, CancellationToken stop, List<string> errors)
        {
            var random = new Random(worldId.GetHashCode());
            try
            {
                for (long seq = 1; !stop.IsCancellationRequested; seq++)
                {
                    lock (_sentAt) _sentAt[seq] = clock.Elapsed.TotalMilliseconds;
                    await connection.InvokeAsync("SendAction", worldId, random.Next(actions), seq, stop);
                    Sent++;
                    await Task.Delay(100, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (HubException e)
            {
                lock (errors) errors.Add(e.Message);
            }
        }
    }

    /// <summary>A viewer who joined by a viewer link and counts frames.</summary>
    private sealed class Watcher(string worldId, HubConnection connection, Uri from)
    {
        public Uri From => from;
        public string WorldId => worldId;
        public HubConnection Connection => connection;
        public long Frames, Bytes;

        public async Task RunAsync(string token, Stopwatch clock, CancellationToken stop, List<string> errors)
        {
            try
            {
                await connection.InvokeAsync<JoinedWorld>("JoinWorld", token, stop);
                var frames = await connection.StreamAsChannelAsync<Frame>("Frames", worldId, stop);
                await foreach (var frame in frames.ReadAllAsync(stop))
                {
                    if (Measuring(clock)) { Frames++; Bytes += frame.Data.Length; }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) when (e is HubException or ChannelClosedException or InvalidOperationException or IOException)
            {
                lock (errors) errors.Add(e.Message);
            }
        }
    }
}
