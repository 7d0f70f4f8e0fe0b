using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// One address that drops its cookie on every request makes and watches as many worlds as it can, in the real server
/// process; another visitor's world keeps its frame rate. The two are told apart by X-Forwarded-For, which the server
/// believes from loopback (a proxy on the same machine).
/// </summary>
[Collection(AbuseCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class IpFloodTests(ITestOutputHelper output)
{
    private const string VictimAddress = "10.1.0.7", FloodAddress = "10.6.6.6";
    private const int WatchedWorldsPerIp = 4;

    [Fact]
    public async Task OneAddressWithoutCookies_WatchesAtMostItsQuota_AndAnotherVisitorsWorldPlaysOn()
    {
        (double before, double during) = await FloodAsync();
        // Stepped, by the server's clock, all through the flood; the rate itself is the perf test's bar.
        Assert.True(during > 0 && before > 0, $"the victim's world: {before:F1} fps before, {during:F1} during the flood");
    }

    [PerfFact]
    [Trait(Category.Name, Category.Perf)]
    public async Task OneAddressWithoutCookies_AnotherVisitorKeeps95PercentOfItsFps()
    {
        (double before, double during) = await FloodAsync();
        Assert.True(during >= 0.95 * before, $"the victim's world ran at {during:F1} fps during the flood, {before:F1} before");
    }

    /// <summary>The flood, its quota asserted; the victim's steps per second (server's clock) before and during it.</summary>
    private async Task<(double Before, double During)> FloodAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Safety__MaxWatchedWorldsPerIp"] = WatchedWorldsPerIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Safety__JoinsPerMinutePerIp"] = "60",
            ["Safety__MaxConnectionsPerIp"] = "20",
        };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: settings);
        var victimCookies = new CookieContainer();
        using HttpClient victim = server.Client(victimCookies, VictimAddress);
        string watched = await ServerProcess.CreateWorldAsync(victim, seed: 99, "watched");
        await using HubConnection viewer = await server.ConnectAsync(victimCookies, VictimAddress);
        await viewer.InvokeAsync<WorldInfo>("JoinWorld", watched);
        await using FrameStream frames = await FrameStream.OpenAsync(viewer, watched);
        await frames.UntilAsync(f => f.Step >= 10);
        double before = await frames.StepsPerSecondAsync(TimeSpan.FromSeconds(4));

        var flood = new List<(HubConnection Connection, FrameStream? Frames)>();
        int created = 0, streamsAdmitted = 0, refused = 0;
        try
        {
            for (int i = 0; i < 40; i++)
            {
                var cookies = new CookieContainer();  // a new stranger every time
                using HttpClient stranger = server.Client(cookies, FloodAddress);
                HttpResponseMessage response = await stranger.PostAsJsonAsync("/api/worlds", new CreateWorldRequest($"flood {i}", null, i));
                if (!response.IsSuccessStatusCode)
                {
                    refused++;
                    continue;
                }
                created++;
                string id = (await response.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
                HubConnection connection;
                try
                {
                    connection = await server.ConnectAsync(cookies, FloodAddress);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException)
                {
                    refused++;
                    continue;
                }
                try
                {
                    await connection.InvokeAsync<WorldInfo>("JoinWorld", id);
                    FrameStream stream = await FrameStream.OpenAsync(connection, id);
                    await stream.NextAsync(TimeSpan.FromSeconds(5));
                    flood.Add((connection, stream));
                    streamsAdmitted++;
                }
                catch (Exception ex) when (ex is HubException or System.Threading.Channels.ChannelClosedException or InvalidOperationException)
                {
                    flood.Add((connection, null));
                    refused++;
                }
            }
            double during = await frames.StepsPerSecondAsync(TimeSpan.FromSeconds(4));
            output.WriteLine($"victim: {before:F2} fps before, {during:F2} during the flood ({100 * during / before:F1}%); " +
                             $"flood: {created} worlds made, {streamsAdmitted} streamed, {refused} refusals");
            Assert.Equal(WatchedWorldsPerIp, streamsAdmitted);
            return (before, during);
        }
        finally
        {
            foreach ((HubConnection connection, FrameStream? stream) in flood)
            {
                if (stream is not null)
                {
                    await stream.DisposeAsync();
                }
                await connection.DisposeAsync();
            }
        }
    }
}
