using System.Net;
using Microsoft.AspNetCore.SignalR.Client;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Hub connection attempts from one address beyond Safety:ConnectsPerMinutePerIp are refused with 429 before the
/// handshake, each with one Warning line in the log and no stack trace; another address connects as before.
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class ConnectFloodTests
{
    private const string FloodAddress = "198.51.100.9", OtherAddress = "198.51.100.10";

    [Fact]
    public async Task ConnectionAttemptsBeyondTheLimit_Are429BeforeTheHandshake_LoggedOnceEach()
    {
        var settings = new Dictionary<string, string> { ["Safety__ConnectsPerMinutePerIp"] = "4" };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: settings);

        // A connection over WebSockets costs two attempts: its negotiate and its socket.
        await using (HubConnection first = await server.ConnectAsync(new CookieContainer(), FloodAddress))
        await using (HubConnection second = await server.ConnectAsync(new CookieContainer(), FloodAddress))
        {
            Assert.Equal(HubConnectionState.Connected, second.State);
        }
        using HttpClient flood = server.Client(new CookieContainer(), FloodAddress);
        var refusals = new List<HttpResponseMessage>();
        for (int i = 0; i < 20; i++)
        {
            refusals.Add(await flood.PostAsync("/hubs/world/negotiate?negotiateVersion=1", null));
        }
        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => server.ConnectAsync(new CookieContainer(), FloodAddress));
        await using HubConnection other = await server.ConnectAsync(new CookieContainer(), OtherAddress);

        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.NotNull(refusals[0].Headers.RetryAfter);
        Assert.Contains("at most 4 per minute", await refusals[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HubConnectionState.Connected, other.State);
        // The log is read from the process's output, which arrives a moment after the responses: until all 21 are in.
        int Refusals(string[] lines) => lines.Count(l => l.Contains($"Hub connection from {FloodAddress} refused before its handshake", StringComparison.Ordinal));
        string[] log = server.Output.Split('\n');
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (Refusals(log) < 21 && !patience.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
                log = server.Output.Split('\n');
            }
        }
        Assert.Equal(21, Refusals(log));
        // No error from the hub or the server for the refusals (a fresh test database logs EF's probe of the
        // migrations' history table, efcore.pg #3407; that is not this test's business).
        Assert.DoesNotContain(log, l => l.StartsWith("fail: Microsoft.AspNetCore.SignalR", StringComparison.Ordinal)
            || l.StartsWith("fail: Microsoft.AspNetCore.Server", StringComparison.Ordinal) || l.StartsWith("fail: WorldWeb", StringComparison.Ordinal));
    }
}
