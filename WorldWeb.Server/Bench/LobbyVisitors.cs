using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>WorldWeb.Server bench lobby-visitors URL V SECONDS MODE</c>: V lobby pages at URL, each with its own cookie, for
/// SECONDS after a first round: holding a stream each as the page does (<see cref="Stream"/>, <see cref="LobbyFollower"/>)
/// or polling as it did (<see cref="Poll"/>, <see cref="LobbyPoller"/>). It prints <c>ready</c> once every page read its
/// first snapshot and a JSON line of what they read at the end (<see cref="LobbyStreams"/> or <see cref="LobbyPolls"/>).
/// A process of its own, so that <see cref="LobbyBench"/> measures the server's CPU without the clients'. A
/// command-line program: it talks to the console.
/// </summary>
public static class LobbyVisitors
{
    public const string Stream = "stream";
    public const string Poll = "poll";

    public static bool Matches(string[] args) => args is ["bench", "lobby-visitors", _, _, _, Stream or Poll];

    public static async Task<int> RunAsync(string[] args)
    {
        var server = new Uri(args[2]);
        int visitors = int.Parse(args[3], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        bool streams = args[5] == Stream;
        var counts = new LobbyReads();
        using var stop = new CancellationTokenSource();
        using var firstRound = new CountdownEvent(visitors);
        Task[] pages = [.. Enumerable.Range(0, visitors).Select(i => Task.Run(() => streams
            ? LobbyFollower.VisitAsync(server, i, visitors, counts, firstRound, stop.Token)
            : LobbyPoller.VisitAsync(server, i, visitors, counts, firstRound, stop.Token)))];
        // A page refused or failed before its first read would leave the round waiting for ever: its error ends the run.
        while (!firstRound.Wait(TimeSpan.FromMilliseconds(100)))
        {
            if (pages.FirstOrDefault(p => p.IsCompleted) is { } ended)
            {
                await ended;
                throw new InvalidOperationException("a lobby page ended before its first read");
            }
        }
        counts.Reset();
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        double elapsed = clock.Elapsed.TotalSeconds;
        object seen = streams ? counts.Streams(visitors, elapsed) : counts.Polls(elapsed);
        await stop.CancelAsync();
        await Task.WhenAll(pages);
        Console.WriteLine(JsonSerializer.Serialize(seen, seen.GetType(), JsonSerializerOptions.Web));
        return 0;
    }

    /// <summary>Waits a page's share of one refresh, so that V pages start spread over it as pages opened at different moments are.</summary>
    internal static Task SpreadAsync(int visitor, int visitors, CancellationToken stop) =>
        Task.Delay(WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery * visitor / visitors, stop);
}

/// <summary>What the lobby's visitors saw polling: polls (how many 304), polls and KiB per second, poll latency p50/p99 in ms.</summary>
public sealed record LobbyPolls(int Polls, int NotModified, double PollsPerSecond, double KibPerSecond, double PollMsP50, double PollMsP99);

/// <summary>
/// What the lobby's visitors saw holding a stream each: the streams, the snapshots and keep-alives they received, snapshots
/// and KiB of event data per second, and each snapshot's lag (from when the server began building it to its arrival) p50/p99 in ms.
/// </summary>
public sealed record LobbyStreams(int Streams, int Snapshots, int KeepAlives, double SnapshotsPerSecond, double KibPerSecond, double LagMsP50, double LagMsP99);
