using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>kill -9 of the server mid-play, then play on: a clip across the crash is one continuous stretch of the world.</summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class ClipCrashTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> LosslessFrames = new() { ["Frames__Format"] = "Png" };

    [Fact]
    public async Task Clip_AcrossAKillAndResume_ShowsEveryStepOnceAsStreamedOnEitherSide()
    {
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        string worldId;
        WorldInfo info;
        WorldPlay before;
        await using (ServerProcess server = await ServerProcess.StartAsync(port, settings: LosslessFrames))
        {
            using HttpClient http = server.Client(cookies);
            worldId = await ServerProcess.CreateWorldAsync(http, seed: 44, "clip across a crash");
            HubConnection hub = await server.ConnectAsync(cookies);
            info = await hub.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            before = await WorldPlay.StartAsync(hub, worldId);
            for (int i = 0; i < 8; i++)
            {
                await before.ActAsync(1 + i % (info.Actions.Count(a => !a.Press) - 1));
                await before.UntilStepAsync(before.LastStep + 6);
            }
            // Killed while it plays: the steps after its last log write are lost, and the world resumes before them.
            await server.KillHardAsync();
            await before.StopAsync();
        }

        await using (ServerProcess server = await ServerProcess.StartAsync(port, settings: LosslessFrames))
        {
            using HttpClient http = server.Client(cookies);
            await using HubConnection hub = await server.ConnectAsync(cookies);
            long resumed = (await hub.InvokeAsync<WorldInfo>("JoinWorld", worldId)).Step;
            Assert.True(resumed >= 20, $"the world resumed at step {resumed}");
            await using WorldPlay after = await WorldPlay.StartAsync(hub, worldId);
            await after.ActAsync(2);
            await after.UntilStepAsync(resumed + 20);
            await after.StopAsync();

            // Up to 15 steps either side of the resume, as far as every frame reached this test (a server drops frames
            // for a viewer that reads slowly, as this one may beside other tests).
            long from = resumed, to = resumed;
            while (from > resumed - 15 && before.Streamed(from - 1))
            {
                from--;
            }
            while (to < resumed + 15 && after.Streamed(to + 1))
            {
                to++;
            }
            Assert.True(before.Streamed(resumed) && resumed - from >= 3 && to - resumed >= 3, $"too few steps streamed around the resume at {resumed}: {from}–{to}");
            ClipInfo clip = await ClipVideo.RenderAsync(http, worldId, from, to);

            List<byte[]> streamed = [.. before.Frames(from, resumed), .. after.Frames(resumed + 1, to)];
            List<byte[]> expected = await ClipVideo.ThroughTheCodecAsync(streamed, info.Width, info.Height, info.Fps);
            List<byte[]> video = await ClipVideo.FramesAsync(http, clip, info.Width, info.Height);
            Assert.Equal(to - from + 1, video.Count);
            for (int i = 0; i < video.Count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(video[i]), $"the frame of step {from + i} differs from the one the world streamed");
            }
            List<ClipEvent> events = await ClipVideo.EventsAsync(http, clip);
            Assert.Equal([.. before.Events(from, resumed, info), .. after.Events(resumed + 1, to, info, clipStart: from)], events);
            output.WriteLine($"killed past step {before.LastStep}, resumed at {resumed}; clip {from}–{to} continuous");
        }
    }
}
