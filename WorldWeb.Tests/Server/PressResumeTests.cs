using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Presses through the real hub of a real server process: each message applied at one step and logged there, and a
/// world resumed after kill -9 (its last save plus a replay of its log) is the world that was played, bit for bit.
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class PressResumeTests(ITestOutputHelper output)
{
    private const byte Forward = PressModel.Forward, Paint = PressModel.Paint;

    [Fact]
    public async Task Presses_AreLoggedAtTheStepsThatAppliedThem_AndAResumeAfterKillNineReplaysThemBitExact()
    {
        using var model = new PressModel();
        var settings = new Dictionary<string, string> { ["Models__Packages__1"] = model.Folder };
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        string worldId;
        long stepBefore;
        byte[] frameBefore;
        WorldCoherenceInfo memoryBefore;
        // The step each frame seen showed, by the seq of the action that made it.
        var stepsOfSeq = new Dictionary<long, List<long>>();

        await using (ServerProcess server = await ServerProcess.StartAsync(port, settings: settings))
        {
            using HttpClient http = server.Client(cookies);
            HttpResponseMessage created = await http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("presses", model.Name, 31));
            created.EnsureSuccessStatusCode();
            worldId = (await created.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
            await using HubConnection connection = await server.ConnectAsync(cookies);
            WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            Assert.Equal((true, true), (info.Actions[Paint].Press, info.Actions[Paint].ChangesWorld));
            await using (FrameStream frames = await FrameStream.OpenAsync(connection, worldId))
            {
                // Steps on from where the server stands now: the frames read may lag it by more than a step or two.
                async Task WalkAsync(int steps)
                {
                    long until = (await ServerProcess.FrameAsync(http, worldId)).Step + steps;
                    await frames.UntilAsync(f =>
                    {
                        if (!stepsOfSeq.TryGetValue(f.LastActionSeq, out List<long>? seen))
                        {
                            stepsOfSeq[f.LastActionSeq] = seen = [];
                        }
                        seen.Add(f.Step);
                        return f.Step >= until;
                    });
                }
                await connection.InvokeAsync("SendAction", worldId, (int)Forward, 1L);
                await WalkAsync(6);
                // The resume starts from this save, so the presses after it come back from the log alone.
                (await http.PostAsJsonAsync($"/api/worlds/{worldId}/saves", new CreateSaveRequest("before the paint"))).EnsureSuccessStatusCode();
                await connection.InvokeAsync("SendAction", worldId, (int)Paint, 2L);
                await WalkAsync(6);
                await connection.InvokeAsync("SendAction", worldId, (int)Paint, 3L);
                await connection.InvokeAsync("SendAction", worldId, (int)Paint, 4L);
                await WalkAsync(6);
            }
            // Nobody watches now, so the world stands still; the action log catches up with it (flushed every 200 ms).
            byte[]? standing = null;
            stepBefore = await LoggedSteps.SettledAsync(TestEnvironment.ConnectionString, worldId, async () =>
            {
                (long step, standing) = await ServerProcess.FrameAsync(http, worldId);
                return step;
            });
            frameBefore = standing!;
            memoryBefore = (await http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}"))!.Coherence!;
            await server.KillHardAsync();
        }

        byte[] logged = await LoggedSteps.ActionsAsync(TestEnvironment.ConnectionString, worldId);
        Assert.Equal(stepBefore, logged.Length);
        Assert.Equal(3, logged.Count(a => a == Paint));
        long[] paintSteps = [.. logged.Select((action, i) => (action, step: i + 1L)).Where(s => s.action == Paint).Select(s => s.step)];
        // Step s's action is logged[s - 1]. Each press took one step of its own (two sent together, the next two
        // free; PressActionTests holds that they are the next two, here a tick may fall between the two messages); after
        // the presses the held key walked on, and nothing but walking and those three paints happened once it was held.
        Assert.True(paintSteps[0] < paintSteps[1] && paintSteps[1] < paintSteps[2]);
        Assert.Equal([Forward, Forward], [logged[paintSteps[0] - 2], logged[paintSteps[1] - 2]]);
        Assert.Equal([Forward, Forward], [logged[paintSteps[0]], logged[paintSteps[2]]]);
        Assert.All(logged.TakeWhile(a => a != Forward), a => Assert.Equal(0, a));
        Assert.Equal([Forward, Paint], logged.SkipWhile(a => a != Forward).Distinct().Order());
        foreach ((long seq, List<long> steps) in stepsOfSeq.Where(s => s.Key >= 2))
        {
            // A frame that carried a press's seq showed the one step that applied it.
            Assert.Equal([paintSteps[(int)seq - 2]], steps.Distinct());
        }
        output.WriteLine($"world {worldId}: paint at steps {string.Join(", ", paintSteps)} of {logged.Length}");

        await using (ServerProcess server = await ServerProcess.StartAsync(port, settings: settings))
        {
            using HttpClient http = server.Client(cookies);
            await using HubConnection connection = await server.ConnectAsync(cookies);
            WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            (long stepAfter, byte[] frameAfter) = await ServerProcess.FrameAsync(http, worldId);
            WorldCoherenceInfo memoryAfter = (await http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}"))!.Coherence!;

            Assert.Equal((stepBefore, stepBefore), (info.Step, stepAfter));
            Assert.Equal(frameBefore, frameAfter);
            Assert.Equal((memoryBefore.MemoryEntries, memoryBefore.MemoryBytes), (memoryAfter.MemoryEntries, memoryAfter.MemoryBytes));
            output.WriteLine(string.Join('\n', server.Output.Split('\n').Where(l => l.Contains("resumed"))));
        }
    }
}
