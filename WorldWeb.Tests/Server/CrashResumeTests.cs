using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>kill -9 the real server process, restart it: the world resumes at the same step with the same frame.</summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillNine_ThenRestart_WorldResumesAtSameStepWithBitIdenticalFrame()
    {
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        string worldId;
        long stepBefore;
        byte[] frameBefore;
        WorldCoherenceInfo memoryBefore;

        await using (ServerProcess server = await ServerProcess.StartAsync(port))
        {
            using HttpClient http = server.Client(cookies);
            worldId = await ServerProcess.CreateWorldAsync(http, seed: 21, "crash test");
            string mateId = await ServerProcess.CreateWorldAsync(http, seed: 22, "crash test");
            await using HubConnection connection = await server.ConnectAsync(cookies);
            WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            await connection.InvokeAsync<WorldInfo>("JoinWorld", mateId);
            var stop = new CancellationTokenSource();
            var frames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
            var mateFrames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", mateId, stop.Token);
            long seq = 0;
            for (int i = 0; i < 6; i++)
            {
                // Both worlds act, differently, while they share the scheduler's batches.
                await connection.InvokeAsync("SendAction", worldId, (i + 1) % info.Actions.Count, ++seq);
                await connection.InvokeAsync("SendAction", mateId, (i + 2) % info.Actions.Count, ++seq);
                long target = (await frames.ReadAsync()).Step + 4;
                while ((await frames.ReadAsync()).Step < target)
                {
                }
                while (mateFrames.TryRead(out _))
                {
                }
                if (i == 2)
                {
                    // A save mid-way: the resume starts from it, and the memory rows written after it must be
                    // trimmed and written again by the replay.
                    (await http.PostAsJsonAsync($"/api/worlds/{worldId}/saves", new CreateSaveRequest("midway"))).EnsureSuccessStatusCode();
                }
            }
            await stop.CancelAsync();
            // Nobody watches now, so the world stands still; the action log catches up with it (flushed every 200 ms).
            byte[]? standing = null;
            stepBefore = await LoggedSteps.SettledAsync(TestEnvironment.ConnectionString, worldId, async () =>
            {
                (long step, standing) = await ServerProcess.FrameAsync(http, worldId);
                return step;
            });
            frameBefore = standing!;
            Assert.True(stepBefore >= 24, $"the world only reached step {stepBefore}");
            memoryBefore = (await http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}"))!.Coherence!;
            Assert.Equal(6, memoryBefore.MemoryEntries);
            await server.KillHardAsync();
        }

        await using (ServerProcess server = await ServerProcess.StartAsync(port))
        {
            using HttpClient http = server.Client(cookies);
            await using HubConnection connection = await server.ConnectAsync(cookies);
            WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            Assert.Equal(stepBefore, info.Step);
            (long stepAfter, byte[] frameAfter) = await ServerProcess.FrameAsync(http, worldId);
            Assert.Equal(stepBefore, stepAfter);
            Assert.Equal(frameBefore, frameAfter);
            WorldCoherenceInfo memoryAfter = (await http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}"))!.Coherence!;
            Assert.Equal((memoryBefore.MemoryEntries, memoryBefore.MemoryBytes), (memoryAfter.MemoryEntries, memoryAfter.MemoryBytes));

            var frames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", worldId);
            FrameMessage first = await frames.ReadAsync();
            Assert.Equal(stepBefore, first.Step);
            Assert.Equal(frameBefore, first.Data);
            Assert.True((await frames.ReadAsync()).Step > stepBefore, "the resumed world plays on");
            output.WriteLine($"world {worldId} resumed at step {stepBefore}, frame {frameBefore.Length} bytes identical");
            output.WriteLine(string.Join('\n', server.Output.Split('\n').Where(l => l.Contains("resumed"))));
        }
    }

    [Fact]
    public async Task GracefulStop_SavesEveryLiveWorldAtItsStep()
    {
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        await using ServerProcess server = await ServerProcess.StartAsync(port);
        using HttpClient http = server.Client(cookies);
        string worldId = await ServerProcess.CreateWorldAsync(http, seed: 23, "crash test");
        await using HubConnection connection = await server.ConnectAsync(cookies);
        await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
        var frames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", worldId);
        while ((await frames.ReadAsync()).Step < 10)
        {
        }

        Assert.Equal(0, await server.StopAsync());

        var options = new DbContextOptionsBuilder<WorldWebDbContext>().UseNpgsql(TestEnvironment.ConnectionString).UseSnakeCaseNamingConvention().Options;
        await using var db = new WorldWebDbContext(options);
        long savedStep = await db.Saves.Where(s => s.WorldId == worldId && s.Kind == SaveKind.Auto).Select(s => s.Step).SingleAsync();
        long loggedSteps = (await db.ActionLog.Where(c => c.WorldId == worldId).Select(c => c.Actions).ToListAsync()).Sum(a => a.Length);
        Assert.True(savedStep >= 10, $"saved at step {savedStep}");
        Assert.Equal(savedStep, loggedSteps);
        output.WriteLine(string.Join('\n', server.Output.Split('\n').Where(l => l.Contains("saved", StringComparison.OrdinalIgnoreCase))));
    }
}
