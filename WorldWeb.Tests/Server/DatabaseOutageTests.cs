using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>PostgreSQL stopped during play and started again, under the real server process.</summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task DatabaseOutage_ServerPlaysOnThenPausesAndResumes_NoLoggedStepIsLost_AndKillNineStillResumes()
    {
        await using PrivateDatabase database = await PrivateDatabase.StartAsync();
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        // A small backlog, so that the outage fills it within the test: 100 actions are 5 s of one world.
        var settings = new Dictionary<string, string> { ["ActionLog__MaxPending"] = "100" };
        string worldId;
        long lastStep;
        byte[] lastFrame;
        await using (ServerProcess server = await ServerProcess.StartAsync(port, database.ConnectionString, settings))
        {
            using HttpClient http = server.Client(cookies);
            worldId = await ServerProcess.CreateWorldAsync(http, seed: 31, "outage test");
            await using HubConnection connection = await server.ConnectAsync(cookies);
            var notices = Channel.CreateUnbounded<string?>();
            connection.On<string, string?>("WorldPaused", (_, reason) => notices.Writer.TryWrite(reason));
            await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            var stop = new CancellationTokenSource();
            var frames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
            await connection.InvokeAsync("SendAction", worldId, 1, 1L);
            long step = await ReadUntilAsync(frames, 20);

            await database.StopAsync();
            long beforeOutage = step;
            step = await ReadUntilAsync(frames, step + 20);  // worlds play on while the backlog has room
            Assert.Equal("Degraded", await http.GetStringAsync("/healthz"));
            // A web request that needs the database is told so, and when to try again: not the bare 500 of a bug.
            HttpResponseMessage refused = await http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("made in the outage", null, 32));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("database is not answering", await refused.Content.ReadAsStringAsync());
            Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
            string? reason = await notices.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.Contains("database", reason);
            long pausedAt = Drain(frames, step);
            await Task.Delay(TimeSpan.FromSeconds(1.5));  // deliberately: time passes, and a paused world does not step in it
            Assert.True(Drain(frames, pausedAt) <= pausedAt + 1, "a paused world does not step");
            Assert.False(server.HasExited);
            output.WriteLine($"played from step {beforeOutage} to {pausedAt} without the database, then paused: {reason}");

            await database.StartAgainAsync();
            Assert.Null(await notices.Reader.ReadAsync().AsTask().WaitAsync(Patience));
            step = await ReadUntilAsync(frames, pausedAt + 20);
            await stop.CancelAsync();
            await WaitHealthyAsync(http);
            byte[]? standing = null;  // until the last flush of the log (every 200 ms) has caught up with the world
            lastStep = await LoggedSteps.SettledAsync(database.ConnectionString, worldId, async () =>
            {
                (long at, standing) = await ServerProcess.FrameAsync(http, worldId);
                return at;
            });
            lastFrame = standing!;
            Assert.True(lastStep >= step);
            await LoggedSteps.AssertEachOnceAsync(database.ConnectionString, worldId, lastStep);
            await server.KillHardAsync();
        }

        await using (ServerProcess server = await ServerProcess.StartAsync(port, database.ConnectionString, settings))
        {
            using HttpClient http = server.Client(cookies);
            await using HubConnection connection = await server.ConnectAsync(cookies);
            Assert.Equal(lastStep, (await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId)).Step);
            (long step, byte[] frame) = await ServerProcess.FrameAsync(http, worldId);
            Assert.Equal(lastStep, step);
            Assert.Equal(lastFrame, frame);
        }
    }

    private static async Task<long> ReadUntilAsync(ChannelReader<FrameMessage> frames, long step)
    {
        using var timeout = new CancellationTokenSource(Patience);
        long seen;
        do
        {
            seen = (await frames.ReadAsync(timeout.Token)).Step;
        }
        while (seen < step);
        return seen;
    }

    private static long Drain(ChannelReader<FrameMessage> frames, long step)
    {
        while (frames.TryRead(out FrameMessage? frame))
        {
            step = frame.Step;
        }
        return step;
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await http.GetStringAsync("/healthz", timeout.Token) != "Healthy")
        {
            await Task.Delay(250, timeout.Token);
        }
    }
}
