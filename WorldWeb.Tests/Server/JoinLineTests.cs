using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A server that runs one world at most (<c>Worlds:MaxLiveWorlds</c> 1), in a real process, so that one visitor playing
/// fills it; the others, each from an address of its own (X-Forwarded-For), wait in line for the place.
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class JoinLineTests
{
    internal static readonly Dictionary<string, string> Full = new()
    {
        ["Worlds__MaxLiveWorlds"] = "1",
        // A world opened for the head of the line waits this long for its client to join before it unloads.
        ["Worlds__IdleUnloadSeconds"] = "3",
        ["Line__RenewMilliseconds"] = "250",
        ["Line__MaxPlacesPerAddress"] = "2",
    };

    [Fact]
    public async Task JoinsOfAFullServer_WaitInLineInOrder_AndMoveUpAsThoseAheadAreAdmitted()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(settings: Full);
        await using LineVisitor occupier = await LineVisitor.ArriveAsync(server, "10.2.0.1", seed: 1);
        FrameStream occupying = await occupier.PlayAsync();
        await using LineVisitor b = await LineVisitor.ArriveAsync(server, "10.2.0.2", seed: 2);
        await using LineVisitor c = await LineVisitor.ArriveAsync(server, "10.2.0.3", seed: 3);
        await using LineVisitor d = await LineVisitor.ArriveAsync(server, "10.2.0.4", seed: 4);
        foreach (LineVisitor refused in new[] { b, c, d })
        {
            HubException full = await Assert.ThrowsAsync<HubException>(() => refused.Hub.InvokeAsync<WorldInfo>(WorldHubProtocol.JoinWorld, refused.World));
            Assert.Contains(WorldHubProtocol.ServerFull, full.Message);
        }

        var lineB = await b.WaitInLineAsync();
        Assert.Equal(1, (await LineVisitor.UntilAsync(lineB, _ => true)).Position);
        var lineC = await c.WaitInLineAsync();
        Assert.Equal(2, (await LineVisitor.UntilAsync(lineC, _ => true)).Position);
        var lineD = await d.WaitInLineAsync();
        Assert.Equal(3, (await LineVisitor.UntilAsync(lineD, _ => true)).Position);

        // The occupier stops watching: its world unloads, and the head of the line takes the place; the rest move up.
        await occupying.DisposeAsync();
        await LineVisitor.UntilAsync(lineB, p => p.Admitted);
        FrameStream playing = await b.PlayAsync();
        await LineVisitor.UntilAsync(lineC, p => p.Position == 1);
        await LineVisitor.UntilAsync(lineD, p => p.Position == 2);

        // Only one place: C, ahead of D, takes it when B leaves; D is next, and two admissions give it an estimate.
        await playing.DisposeAsync();
        await LineVisitor.UntilAsync(lineC, p => p.Admitted);
        LinePlace next = await LineVisitor.UntilAsync(lineD, p => p.Position == 1 && p.EstimateSeconds is not null);
        Assert.InRange(next.EstimateSeconds!.Value, 1, 60);
        await (await c.PlayAsync()).DisposeAsync();
        await LineVisitor.UntilAsync(lineD, p => p.Admitted);
    }

    [Fact]
    public async Task AJoinOrAFrameThatWouldFindAFreePlace_GoesBehindThoseAlreadyWaiting()
    {
        // The head asks for a place only every 15 s here, so a place stays free a while with someone waiting for it.
        var slowHead = new Dictionary<string, string>(Full) { ["Line__RenewMilliseconds"] = "15000", ["Line__LeaseSeconds"] = "60" };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: slowHead);
        await using LineVisitor occupier = await LineVisitor.ArriveAsync(server, "10.8.0.1", seed: 61);
        FrameStream occupying = await occupier.PlayAsync();
        await using LineVisitor waiting = await LineVisitor.ArriveAsync(server, "10.8.0.2", seed: 62);
        var line = await waiting.WaitInLineAsync();
        await LineVisitor.UntilAsync(line, p => p.Position == 1);

        await occupying.DisposeAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await occupier.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{occupier.World}", patience.Token))!.IsLive)
        {
            await Task.Delay(100, patience.Token);  // until the occupier's world unloads: a place is free now
        }
        await using LineVisitor newcomer = await LineVisitor.ArriveAsync(server, "10.8.0.3", seed: 63);
        HubException behind = await Assert.ThrowsAsync<HubException>(() => newcomer.Hub.InvokeAsync<WorldInfo>(WorldHubProtocol.JoinWorld, newcomer.World));
        Assert.Contains($"{WorldHubProtocol.ServerFull}: 1 already wait in line", behind.Message);
        // Nor may the newcomer take the place through the REST frame, which opens a world as a join does.
        HttpResponseMessage frame = await newcomer.Http.GetAsync($"/api/worlds/{newcomer.World}/frame");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, frame.StatusCode);
        Assert.Contains($"{WorldHubProtocol.ServerFull}: 1 already wait in line", await frame.Content.ReadAsStringAsync());

        await LineVisitor.UntilAsync(line, p => p.Admitted);
        await (await waiting.PlayAsync()).DisposeAsync();
    }

    [Fact]
    public async Task AClientThatLeavesThePage_FreesItsPlace_AndTheNextIsAdmitted()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(settings: Full);
        await using LineVisitor occupier = await LineVisitor.ArriveAsync(server, "10.3.0.1", seed: 11);
        FrameStream occupying = await occupier.PlayAsync();
        LineVisitor leaving = await LineVisitor.ArriveAsync(server, "10.3.0.2", seed: 12);
        await using LineVisitor staying = await LineVisitor.ArriveAsync(server, "10.3.0.3", seed: 13);
        await LineVisitor.UntilAsync(await leaving.WaitInLineAsync(), p => p.Position == 1);
        var line = await staying.WaitInLineAsync();
        await LineVisitor.UntilAsync(line, p => p.Position == 2);

        await leaving.DisposeAsync();  // the page closes its connection
        await LineVisitor.UntilAsync(line, p => p.Position == 1, TimeSpan.FromSeconds(5));
        await occupying.DisposeAsync();
        await LineVisitor.UntilAsync(line, p => p.Admitted);
        await (await staying.PlayAsync()).DisposeAsync();
    }

    [Fact]
    public async Task AFloodOfIdentitiesFromOneAddress_HoldsAtMostItsPlaces_AndDoesNotPushBackAnotherAddress()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(settings: Full);
        await using LineVisitor occupier = await LineVisitor.ArriveAsync(server, "10.4.0.1", seed: 21);
        await using FrameStream occupying = await occupier.PlayAsync();
        var flood = new List<LineVisitor>();
        int placed = 0;
        var refusals = new List<string>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                LineVisitor stranger = await LineVisitor.ArriveAsync(server, "10.6.6.6", seed: 30 + i);  // a new identity each time
                flood.Add(stranger);
                try
                {
                    await LineVisitor.UntilAsync(await stranger.WaitInLineAsync(), p => p.Position > 0);
                    placed++;
                }
                catch (HubException e)
                {
                    refusals.Add(e.Message);
                }
            }
            await using LineVisitor other = await LineVisitor.ArriveAsync(server, "10.4.0.2", seed: 22);
            LinePlace place = await LineVisitor.UntilAsync(await other.WaitInLineAsync(), _ => true);

            Assert.Equal(2, placed);
            Assert.Equal(6, refusals.Count);
            Assert.All(refusals, r => Assert.Contains("already waits in line 2 times", r));
            Assert.Equal(3, place.Position);
        }
        finally
        {
            foreach (LineVisitor stranger in flood)
            {
                await stranger.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AViewerOfAWorldThatRuns_IsNeverQueued_WhileOthersWaitForAPlace()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(settings: Full);
        await using LineVisitor occupier = await LineVisitor.ArriveAsync(server, "10.5.0.1", seed: 41, isPublic: true);
        await using FrameStream occupying = await occupier.PlayAsync();
        await using LineVisitor waiting = await LineVisitor.ArriveAsync(server, "10.5.0.2", seed: 42);
        var line = await waiting.WaitInLineAsync();
        await LineVisitor.UntilAsync(line, p => p.Position == 1);

        await using LineVisitor viewer = await LineVisitor.ArriveAsync(server, "10.5.0.3", seed: 43);
        await using FrameStream watching = await viewer.PlayAsync(occupier.World);
        Assert.True((await watching.NextAsync()).Step > 0);
        // The viewer took no place: the one waiting still waits, first in line.
        Assert.False(line.TryRead(out LinePlace? moved) && moved.Admitted);
    }
}
