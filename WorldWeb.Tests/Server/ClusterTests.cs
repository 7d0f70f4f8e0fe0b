using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SkiaSharp;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Worlds;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>Runs alone, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailoverCollection
{
    public const string Name = "failover";
}

/// <summary>Three real server processes on loopback, one cluster over the test database.</summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class ClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs alone (<see cref="FailoverCollection"/>): three server processes and a kill -9. The bar on the failover's
    /// time, playing again within 5 s, is a perf test: the rest of the suite beside it once made that 5.2 s.
    /// </summary>
    [Collection(FailoverCollection.Name)]
    [Trait(Category.Name, Category.Postgres)]
    public sealed class KillNine(ITestOutputHelper output)
    {
        [Fact]
        public async Task AWorldOwnedByOneNode_IsPlayedFromAnotherAndWatchedFromAThird_AndPlaysOnAfterKillNineOfItsOwner()
        {
            await FailOverAsync();
        }

        [PerfFact]
        [Trait(Category.Name, Category.Perf)]
        public async Task AfterKillNineOfItsOwner_TheWorldPlaysAgainWithinFiveSeconds()
        {
            double playingAgain = await FailOverAsync();
            Assert.True(playingAgain <= 5, $"the world played again {playingAgain:F1} s after its node was killed");
        }

        /// <summary>The whole story, asserted step by step; the seconds from the kill to playing again.</summary>
        private async Task<double> FailOverAsync()
        {
            var settings = new Dictionary<string, string> { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}" };
            // Started together, as a cluster's nodes are: on a fresh database they also race to migrate it.
            Task<ServerProcess>[] starting = [.. Enumerable.Range(0, 3).Select(_ => ServerProcess.StartAsync(settings: settings))];
            try
            {
                await Task.WhenAll(starting);
            }
            catch
            {
                foreach (Task<ServerProcess> started in starting.Where(t => t.IsCompletedSuccessfully))
                {
                    await (await started).DisposeAsync();
                }
                throw;
            }
            ServerProcess[] nodes = await Task.WhenAll(starting);
            try
            {
                var cookies = new CookieContainer();  // one visitor; cookies hold on every node (keys in the database)
                using HttpClient first = nodes[0].Client(cookies);
                string worldId = await ServerProcess.CreateWorldAsync(first, seed: 41, "cluster test");
                await ServerProcess.FrameAsync(first, worldId);  // opens it where the cluster places it
                string ownerUrl = await OwnerUrl(first, worldId);
                int owner = Array.FindIndex(nodes, n => Url(n) == ownerUrl);
                Assert.True(owner >= 0, "GET /api/worlds/{id} names a node of the cluster");
                ServerProcess player = nodes[(owner + 1) % 3], watcher = nodes[(owner + 2) % 3];
                output.WriteLine($"owner {nodes[owner].Address}, player on {player.Address}, watcher on {watcher.Address}");

                await using HubConnection playing = await player.ConnectAsync(cookies);
                await using HubConnection watching = await watcher.ConnectAsync(cookies);
                WorldInfo info = await playing.InvokeAsync<WorldInfo>("JoinWorld", worldId);
                await watching.InvokeAsync<WorldInfo>("JoinWorld", worldId);
                var stop = new CancellationTokenSource();
                ChannelReader<FrameMessage> played = await playing.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
                ChannelReader<FrameMessage> watched = await watching.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
                await playing.InvokeAsync("SendAction", worldId, 1 % info.Actions.Count, 1L);

                // Frames reach both other nodes, and the player's action reaches the owner.
                var seen = new Dictionary<long, byte[]>();
                FrameMessage frame = await ReadAsync(watched, f => f.LastActionSeq == 1, seen);
                long target = frame.Step + 40;
                var clock = Stopwatch.StartNew();
                frame = await ReadAsync(watched, f => f.Step >= target, seen);
                double fps = 40 / clock.Elapsed.TotalSeconds;
                Assert.True((await ReadAsync(played, f => f.Step >= target, null)).LastActionSeq == 1);
                // Printed, not asserted: with the rest of the suite running beside it the rate says little; bench load measures it.
                output.WriteLine($"watched from a third node: steps {target - 40}..{target} at {fps:F1} fps");

                // Release the key for a second first. Steps after the last logged one die with the node, and a survivor takes
                // them with no key held (a viewer may first see one of those, not the replayed step): with the key released
                // they show what the lost node showed. The held steps before are replayed from the log.
                await playing.InvokeAsync("SendAction", worldId, 0, 2L);
                long released = (await ReadAsync(watched, f => f.LastActionSeq == 2, seen)).Step;
                frame = await ReadAsync(watched, f => f.Step >= released + 20, seen);

                // kill -9 the owner: the world resumes on a survivor from its save and log, and both viewers see it go on.
                Drain(watched, frame.Step, seen);
                clock.Restart();
                await nodes[owner].KillHardAsync();
                // Frames already on their way from the killed node arrive at once; the next ones are the new owner's
                // (the cluster needs over a second to declare the node dead). No frame says it was the dead node's
                // last, so this wait is deliberate: half a second lets the in-flight ones land and no new owner's yet.
                await Task.Delay(500);
                long lastSeen = Math.Max(Drain(watched, frame.Step, seen), Drain(played, 0, seen));
                FrameMessage resumed = await ReadAsync(watched, _ => true, seen, TimeSpan.FromSeconds(20));
                output.WriteLine($"last step seen before the kill {lastSeen}; resumed at step {resumed.Step} after {clock.Elapsed.TotalSeconds:F1} s");
                // A world resumes at its last logged step. The owner logs a step before its frame has crossed two nodes to a
                // viewer, so the kill may take the frames of the last few logged steps with it (CI saw 68, resumed at 71).
                Assert.True(resumed.Step >= lastSeen - 10 && resumed.Step <= lastSeen + 5, $"resumed at {resumed.Step}, last seen {lastSeen}");
                if (seen.TryGetValue(resumed.Step, out byte[]? shown))
                {
                    Assert.Equal(shown, resumed.Data);  // bit-identical to what the lost node showed at that step
                }
                else
                {
                    output.WriteLine($"step {resumed.Step}'s frame died with its node; CrashResumeTests holds a resume bit for bit");
                }
                // The resumed world held no action; the player's relay sent its last one (seq 2) again, unasked.
                await ReadAsync(played, f => f.LastActionSeq == 2, null, TimeSpan.FromSeconds(10));
                await playing.InvokeAsync("SendAction", worldId, 1 % info.Actions.Count, 3L);
                FrameMessage going = await ReadAsync(watched, f => f.Step > resumed.Step, seen, TimeSpan.FromSeconds(10));
                double playingAgain = clock.Elapsed.TotalSeconds;
                output.WriteLine($"playing again at step {going.Step}, {playingAgain:F1} s after the kill");
                FrameMessage acted = await ReadAsync(played, f => f.LastActionSeq == 3, null);

                // The new owner says where it runs, and the log holds every step once: nothing logged was lost.
                await stop.CancelAsync();
                using HttpClient survivor = player.Client(cookies);
                Assert.Contains(await OwnerUrl(survivor, worldId), new[] { Url(player), Url(watcher) });
                long last = await LoggedSteps.SettledAsync(TestEnvironment.ConnectionString, worldId,
                    async () => (await ServerProcess.FrameAsync(survivor, worldId)).Step);
                Assert.True(last >= acted.Step);
                await LoggedSteps.AssertEachOnceAsync(TestEnvironment.ConnectionString, worldId, last);
                return playingAgain;
            }
            catch
            {
                ShowLogs(output, nodes);
                throw;
            }
            finally
            {
                foreach (ServerProcess node in nodes)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task DrainingANode_MovesItsWorldWithoutALostStep_ANodeThatJoinsTakesNewWorlds_AndOneThatStopsHandsItsOver()
    {
        string password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        var settings = new Dictionary<string, string>
        {
            ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}",
            ["Admin__Email"] = $"admin-{Guid.NewGuid():N}@worldweb.test",
            ["Admin__Password"] = password,
        };
        var nodes = new List<ServerProcess>();
        try
        {
            nodes.Add(await ServerProcess.StartAsync(settings: settings));
            nodes.Add(await ServerProcess.StartAsync(settings: settings));
            var cookies = new CookieContainer();
            using HttpClient first = nodes[0].Client(cookies);
            string worldId = await ServerProcess.CreateWorldAsync(first, seed: 43, "drain test");
            await ServerProcess.FrameAsync(first, worldId);
            string ownerUrl = await OwnerUrl(first, worldId);
            ServerProcess owner = nodes.Single(n => Url(n) == ownerUrl), other = nodes.Single(n => n != owner);

            await using HubConnection playing = await other.ConnectAsync(cookies);
            WorldInfo info = await playing.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            var stop = new CancellationTokenSource();
            ChannelReader<FrameMessage> played = await playing.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
            await playing.InvokeAsync("SendAction", worldId, 1 % info.Actions.Count, 1L);
            var seen = new Dictionary<long, byte[]>();
            FrameMessage frame = await ReadAsync(played, f => f.LastActionSeq == 1, seen);
            frame = await ReadAsync(played, f => f.Step >= frame.Step + 10, seen);

            var admin = new CookieContainer();
            using HttpClient adminHttp = other.Client(admin);
            (await adminHttp.PostAsJsonAsync("/api/account/signin", new { email = settings["Admin__Email"], password })).EnsureSuccessStatusCode();
            // Both nodes are active, and the owner has reported the world (nodes report every 2 s).
            NodeInfo[] listed = await NodesAsync(adminHttp, all => all.Count(n => n.Status == "Active") == 2
                && all.Single(n => n.Url == ownerUrl).WorldIds.Contains(worldId));
            NodeInfo drained = listed.Single(n => n.Url == ownerUrl);
            (await adminHttp.PostAsJsonAsync("/api/admin/nodes/drain", new DrainRequest(drained.Address))).EnsureSuccessStatusCode();

            // The world is saved where it stands and resumed on the other node; the player's stream goes on.
            FrameMessage resumed = await ReadAsync(played, f => f.LastActionSeq == 0, seen, TimeSpan.FromSeconds(30));
            output.WriteLine($"moved at step {resumed.Step}");
            Assert.True(seen.Keys.Max() <= resumed.Step, "the save at the move holds every step shown before it");
            Assert.Equal(seen[resumed.Step], resumed.Data);  // the first frame seen of that step, bit for bit
            Assert.Equal(Url(other), await OwnerUrl(first, worldId));
            await playing.InvokeAsync("SendAction", worldId, 1 % info.Actions.Count, 2L);
            await ReadAsync(played, f => f.LastActionSeq == 2, null);

            // A node that joins has the most free slots: the next world goes there, not to the busy node or the drained one.
            nodes.Add(await ServerProcess.StartAsync(settings: settings));
            string joined = Url(nodes[2]);
            await EveryNodeHasReadTheOthersAsync(nodes, admin);
            string next = await ServerProcess.CreateWorldAsync(first, seed: 44, "drain test, next");
            await ServerProcess.FrameAsync(first, next);
            Assert.Equal(joined, await OwnerUrl(first, next));

            // A graceful stop (SIGTERM) of that node saves its world; the other node that does not drain resumes it there.
            await playing.InvokeAsync<WorldInfo>("JoinWorld", next);
            ChannelReader<FrameMessage> nextPlayed = await playing.StreamAsChannelAsync<FrameMessage>("Frames", next, stop.Token);
            await playing.InvokeAsync("SendAction", next, 1 % info.Actions.Count, 3L);
            var nextSeen = new Dictionary<long, byte[]>();
            FrameMessage playedNext = await ReadAsync(nextPlayed, f => f.LastActionSeq == 3, nextSeen);
            await ReadAsync(nextPlayed, f => f.Step >= playedNext.Step + 20, nextSeen);
            Assert.Equal(0, await nodes[2].StopAsync());
            FrameMessage handedOver = await ReadAsync(nextPlayed, f => f.LastActionSeq == 0, nextSeen, TimeSpan.FromSeconds(30));
            output.WriteLine($"stopped gracefully: its world resumed at step {handedOver.Step}");
            Assert.True(nextSeen.Keys.Max() <= handedOver.Step, "the save at the stop holds every step shown before it");
            Assert.Equal(nextSeen[handedOver.Step], handedOver.Data);
            Assert.Equal(Url(other), await OwnerUrl(first, next));
            await stop.CancelAsync();
        }
        catch
        {
            ShowLogs(output, nodes);
            throw;
        }
        finally
        {
            foreach (ServerProcess node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>GET /api/admin/nodes until <paramref name="until"/> holds.</summary>
    private static async Task<NodeInfo[]> NodesAsync(HttpClient admin, Func<NodeInfo[], bool> until)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            NodeInfo[] nodes = (await admin.GetFromJsonAsync<NodeInfo[]>("/api/admin/nodes", timeout.Token))!;
            if (until(nodes))
            {
                return nodes;
            }
            await Task.Delay(250, timeout.Token);
        }
    }

    /// <summary>
    /// Until every node believes the others' reports, as placement and the per-address limits read them: a node
    /// (<c>NodeReports</c>) writes its own <c>cluster_nodes</c> row and then reads them all, every 2 s, and trusts the
    /// report of a node its Orleans membership holds Active. So: each node's own nodes view lists every other Active
    /// (its membership, and their rows in the table); after that, it has written its row again, as another node reads
    /// the table, so the read that followed found them.
    /// </summary>
    private async Task EveryNodeHasReadTheOthersAsync(IReadOnlyList<ServerProcess> nodes, CookieContainer admin)
    {
        var clock = Stopwatch.StartNew();
        string[] urls = [.. nodes.Select(Url)];
        await Task.WhenAll(nodes.Select(async (node, i) =>
        {
            using HttpClient own = node.Client(admin), another = nodes[(i + 1) % nodes.Count].Client(admin);
            try
            {
                await NodesAsync(own, all => urls.All(url => all.Any(n => n.Url == url && n.Status == "Active")));
                DateTimeOffset seen = DateTimeOffset.UtcNow;
                await NodesAsync(another, all => all.Any(n => n.Url == urls[i] && n.ReportedAt > seen));
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"{urls[i]} had not read every other node's report after {Patience.TotalSeconds} s", ex);
            }
        }));
        output.WriteLine($"every node had read the others' reports after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task AnOwnersLiveWorldQuota_CountsTheirWorldsOnEveryNode()
    {
        var settings = new Dictionary<string, string> { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}", ["Worlds__MaxLiveWorldsPerOwner"] = "1" };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        var cookies = new CookieContainer();
        using HttpClient viaA = a.Client(cookies), viaB = b.Client(cookies);
        string first = await ServerProcess.CreateWorldAsync(viaA, seed: 45, "quota test");
        string second = await ServerProcess.CreateWorldAsync(viaA, seed: 46, "quota test");
        await ServerProcess.FrameAsync(viaA, first);
        string runsOn = await OwnerUrl(viaB, first);  // every node has read the other's report by now
        output.WriteLine($"the first world runs on {runsOn}");

        // Wherever the second would be placed, the owner's first world counts: on its node directly, elsewhere by report.
        HttpResponseMessage refused = await viaB.GetAsync($"/api/worlds/{second}/frame");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("already has 1 live worlds", await refused.Content.ReadAsStringAsync());

        // Deleted through the node that does not run it, the first world stops on its owner, and the quota frees up.
        HttpClient elsewhere = runsOn == Url(a) ? viaB : viaA;
        (await elsewhere.DeleteAsync($"/api/worlds/{first}")).EnsureSuccessStatusCode();
        string third = await ServerProcess.CreateWorldAsync(viaA, seed: 47, "quota test");
        using var timeout = new CancellationTokenSource(Patience);
        while (!(await viaB.GetAsync($"/api/worlds/{third}/frame", timeout.Token)).IsSuccessStatusCode)
        {
            await Task.Delay(250, timeout.Token);  // until the other node's report no longer lists the deleted world
        }
    }

    [Fact]
    public async Task TheLobbyOfOneNode_ListsAPublicWorldLiveOnAnother_WithTheFrameItsOwnerNodeStreams()
    {
        var settings = new Dictionary<string, string> { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}" };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        using HttpClient owner = a.Client(new CookieContainer());
        HttpResponseMessage created = await owner.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("lobby across nodes", null, 53, IsPublic: true));
        created.EnsureSuccessStatusCode();
        string id = (await created.Content.ReadFromJsonAsync<WorldSummary>())!.Id;
        await ServerProcess.FrameAsync(owner, id);
        string runsOn = await OwnerUrl(owner, id);
        ServerProcess elsewhere = runsOn == Url(a) ? b : a;
        output.WriteLine($"the world runs on {runsOn}; its lobby is read on {Url(elsewhere)}");

        // A visitor of the other node: its snapshot asks the owner node for the world's frame over the silo connection.
        using HttpClient visitor = elsewhere.Client(new CookieContainer());
        using var timeout = new CancellationTokenSource(Patience);
        LobbyWorld? listed = null;
        while (listed is null)
        {
            LobbySnapshot? snapshot = await visitor.GetFromJsonAsync<LobbySnapshot>("/api/lobby/live", timeout.Token);
            listed = snapshot?.Worlds.SingleOrDefault(w => w.Id == id);
            if (listed is null)
            {
                await Task.Delay(250, timeout.Token);  // until the visitor's node has read the owner's report
            }
        }
        Assert.Equal("lobby across nodes", listed.Title);
        Assert.StartsWith("data:image/", listed.Thumbnail);
        using SKBitmap thumbnail = SKBitmap.Decode(Convert.FromBase64String(listed.Thumbnail[(listed.Thumbnail.IndexOf(',') + 1)..]));
        Assert.Equal((64, 64), (thumbnail.Width, thumbnail.Height));
        Assert.InRange(listed.Step, 0, (await ServerProcess.FrameAsync(owner, id)).Step);  // a step the world has reached
    }

    [Fact]
    public async Task PerAddressLimits_CountWhatTheAddressHoldsOnEveryNode()
    {
        string password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        var settings = new Dictionary<string, string>
        {
            ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}",
            ["Admin__Email"] = $"admin-{Guid.NewGuid():N}@worldweb.test",  // whose nodes view says what each node has read
            ["Admin__Password"] = password,
            ["Safety__MaxConnectionsPerIp"] = "2",
            ["Safety__MaxWatchedWorldsPerIp"] = "1",
            ["Logging__LogLevel__WorldWeb.Server.Cluster.ClusterQuotas"] = "Debug",
        };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        const string address = "203.0.113.7";  // one client address, as the proxy in front of both nodes says
        var cookies = new CookieContainer();
        using HttpClient http = a.Client(cookies, address);
        string first = await ServerProcess.CreateWorldAsync(http, seed: 48, "address test");
        string second = await ServerProcess.CreateWorldAsync(http, seed: 49, "address test");
        await ServerProcess.FrameAsync(http, first);
        using HttpClient httpB = b.Client(cookies, address);
        await OwnerUrl(httpB, first);
        var admin = new CookieContainer();
        using (HttpClient adminHttp = a.Client(admin))
        {
            (await adminHttp.PostAsJsonAsync("/api/account/signin", new { email = settings["Admin__Email"], password })).EnsureSuccessStatusCode();
        }
        await EveryNodeHasReadTheOthersAsync([a, b], admin);

        // Connections: one on each node is the limit of two; a third on either is refused (once B's report is in).
        // A call answered proves the node accepted (and counted) the connection: the hub takes calls only after that.
        await using HubConnection onA = await a.ConnectAsync(cookies, address);
        await onA.InvokeAsync<WorldInfo>("JoinWorld", first);
        HubConnection onB = await b.ConnectAsync(cookies, address);
        await onB.InvokeAsync<WorldInfo>("JoinWorld", first);  // the same world through B is still one world
        string refused;
        try
        {
            refused = await RefusedAsync(async () =>
            {
                var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                await using HubConnection third = await a.ConnectAsync(cookies, address, closed: e => closed.TrySetResult(e));
                try
                {
                    await third.InvokeAsync<WorldInfo>("JoinWorld", first);
                }
                catch (InvalidOperationException) when (third.State == HubConnectionState.Disconnected)
                {
                    // The server's close came before the call could be sent: the close carries the refusal.
                    throw await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)) ?? new InvalidOperationException("closed with no reason");
                }
            });
        }
        catch
        {
            ShowLogs(output, [a, b]);
            throw;
        }
        output.WriteLine($"third connection: {refused}");
        Assert.Contains("Too many connections", refused);

        // Live worlds: the one world the address may hold is watched through A; B refuses to open a second.
        var stop = new CancellationTokenSource();
        ChannelReader<FrameMessage> watched = await onA.StreamAsChannelAsync<FrameMessage>("Frames", first, stop.Token);
        await watched.ReadAsync();
        string why = await RefusedAsync(() => onB.InvokeAsync<WorldInfo>("JoinWorld", second));
        output.WriteLine($"second world: {why}");
        Assert.Contains("already watches 1 worlds", why);

        // Let go on B, and A takes another connection.
        await onB.DisposeAsync();
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                await using HubConnection again = await a.ConnectAsync(cookies, address);
                await again.InvokeAsync<WorldInfo>("JoinWorld", first, patience.Token);
                break;
            }
            catch (Exception) when (!patience.IsCancellationRequested)
            {
                await Task.Delay(250, patience.Token);  // B's last report is on its way
            }
        }
        await stop.CancelAsync();
    }

    [Fact]
    public async Task ALinkRevokedThroughOneNode_EndsItsHoldersStreamAndActionsOnAnother()
    {
        var settings = new Dictionary<string, string> { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}" };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        var ownerCookies = new CookieContainer();
        using HttpClient owner = a.Client(ownerCookies);
        string worldId = await ServerProcess.CreateWorldAsync(owner, seed: 50, "revocation test");
        await ServerProcess.FrameAsync(owner, worldId);
        string ownerUrl = await OwnerUrl(owner, worldId);
        ServerProcess runs = Url(a) == ownerUrl ? a : b, holds = runs == a ? b : a;  // the holder plays through a relay
        using HttpClient viaOwner = runs.Client(ownerCookies);
        HttpResponseMessage created = await viaOwner.PostAsJsonAsync($"/api/worlds/{worldId}/links", new CreateShareLinkRequest(WorldRoles.Player, null));
        ShareLinkInfo link = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ShareLinkInfo>())!;

        var playerCookies = new CookieContainer();
        using HttpClient player = holds.Client(playerCookies);
        (await player.GetAsync("/api/worlds")).EnsureSuccessStatusCode();  // a visitor of its own
        await using HubConnection playing = await holds.ConnectAsync(playerCookies);
        await playing.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await using var frames = await FrameStream.OpenAsync(playing, worldId);
        await frames.NextAsync();
        await playing.InvokeAsync("SendAction", worldId, 1, 1L);
        // The world's details through the node that does not run it: its viewer (the relay) and step, from its node.
        using HttpClient viaHolder = holds.Client(ownerCookies);
        Assert.Equal(ownerUrl, await OwnerUrl(viaHolder, worldId));  // once the owner's report has reached the other node
        // The first frame is the one the world showed when watched (step 0); its first tick may come a moment later on a busy machine.
        using (var stepping = new CancellationTokenSource(Patience))
        {
            WorldDetails seenElsewhere;
            while ((seenElsewhere = (await viaHolder.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}", stepping.Token))!).Step == 0)
            {
                await Task.Delay(100, stepping.Token);
            }
            Assert.Equal((true, 1), (seenElsewhere.IsLive, seenElsewhere.Viewers));
        }

        // Revoked through the node that runs the world, not the one the holder is connected to.
        Assert.Equal(HttpStatusCode.NoContent, (await viaOwner.DeleteAsync($"/api/worlds/{worldId}/links/{link.Id}")).StatusCode);
        var clock = Stopwatch.StartNew();
        Exception ended = await LinkRightsTests.EndOfAsync(frames);
        TimeSpan late = clock.Elapsed;
        output.WriteLine($"the holder's stream ended {late.TotalSeconds:F2} s after the revocation: {(ended.InnerException ?? ended).Message}");
        // The reason says the link's check ended it (EndOfAsync gives up after 10 s). Its bar, 2 s, is held by
        // hardening-check's revoked_link_other_node row against quiet server processes, not beside the whole suite.
        Assert.Contains("revoked", (ended.InnerException ?? ended).Message);
        HubException refused = await Assert.ThrowsAsync<HubException>(() => playing.InvokeAsync("SendAction", worldId, 1, 2L));
        Assert.Contains("revoked", refused.Message);

        // The relay the stream ended is let go: the world has no viewer left on its owner, as either node tells it.
        using var patience = new CancellationTokenSource(Patience);
        while ((await viaOwner.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}", patience.Token))!.Viewers > 0)
        {
            await Task.Delay(250, patience.Token);
        }
        Assert.Equal(0, (await viaHolder.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}", patience.Token))!.Viewers);
    }

    [Fact]
    public async Task PlayTakenBackAndAWorldMadePrivate_ThroughEitherNode_ReachAVisitorPlayingThroughTheOther()
    {
        var settings = new Dictionary<string, string> { ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}" };
        await using ServerProcess a = await ServerProcess.StartAsync(settings: settings);
        await using ServerProcess b = await ServerProcess.StartAsync(settings: settings);
        var ownerCookies = new CookieContainer();
        using HttpClient owner = a.Client(ownerCookies);
        string worldId = await ServerProcess.CreateWorldAsync(owner, seed: 51, "open to play");
        (await owner.PatchAsJsonAsync($"/api/worlds/{worldId}", new UpdateWorldRequest(IsPublic: true, PublicPlay: true))).EnsureSuccessStatusCode();
        await ServerProcess.FrameAsync(owner, worldId);
        ServerProcess runs = Url(a) == await OwnerUrl(owner, worldId) ? a : b, other = runs == a ? b : a;

        var visitorCookies = new CookieContainer();
        using HttpClient visitor = other.Client(visitorCookies);
        (await visitor.GetAsync("/api/worlds")).EnsureSuccessStatusCode();  // a visitor of its own
        await using HubConnection playing = await other.ConnectAsync(visitorCookies);
        Assert.Equal(WorldRoles.Player, (await playing.InvokeAsync<WorldInfo>("JoinWorld", worldId)).Role);
        await using var frames = await FrameStream.OpenAsync(playing, worldId);
        await playing.InvokeAsync("SendAction", worldId, 1, 5L);
        await frames.UntilAsync(f => f.LastActionSeq == 5, Patience);

        // Taken back through the node the visitor plays through: the world's node decides the next action from the database.
        using HttpClient ownerViaOther = other.Client(ownerCookies);
        (await ownerViaOther.PatchAsJsonAsync($"/api/worlds/{worldId}", new UpdateWorldRequest(PublicPlay: false))).EnsureSuccessStatusCode();
        string refused = await RefusedAsync(() => playing.InvokeAsync("SendAction", worldId, 1, 6L));
        Assert.Contains(WorldWeb.Server.LocalWorlds.PlayerActions.ViewersCannotAct, refused);
        await frames.NextAsync();  // still public: the visitor watches on

        // Made private through the node that runs the world: the visitor's node ends its stream.
        using HttpClient ownerViaRuns = runs.Client(ownerCookies);
        (await ownerViaRuns.PatchAsJsonAsync($"/api/worlds/{worldId}", new UpdateWorldRequest(IsPublic: false))).EnsureSuccessStatusCode();
        Exception ended = await LinkRightsTests.EndOfAsync(frames);
        Assert.Contains(WorldWeb.Server.Play.PublicWatches.MadePrivateReason, (ended.InnerException ?? ended).Message);
    }

    /// <summary>Runs <paramref name="attempt"/> until it fails (a node's report may be a moment on its way): the refusal's message.</summary>
    private static async Task<string> RefusedAsync(Func<Task> attempt)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                await attempt();
            }
            catch (Exception e) when (e is HubException or InvalidOperationException or IOException)
            {
                return e.Message;
            }
            await Task.Delay(250, patience.Token);
        }
    }

    /// <summary>What the nodes said about placing, moving and resuming worlds, and their errors: the story of a failure.</summary>
    private static void ShowLogs(ITestOutputHelper output, IEnumerable<ServerProcess> nodes)
    {
        string[] wanted = ["placed", "Draining", "leaves", "resumed", "watching again", "renewing", "ended the stream", "Connection from", "fail:", "crit:", "Exception"];
        foreach (ServerProcess node in nodes)
        {
            output.WriteLine($"--- {Url(node)}");
            foreach (string line in node.Output.Split('\n').Where(l => wanted.Any(l.Contains)).Take(60))
            {
                output.WriteLine(line);
            }
        }
    }

    internal static string Url(ServerProcess node) => node.Address.ToString().TrimEnd('/');

    /// <summary>The base URL of the node that runs the world, as <c>GET /api/worlds/{id}</c> says (nodes report every 2 s).</summary>
    internal static async Task<string> OwnerUrl(HttpClient http, string worldId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            WorldDetails? details = await http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{worldId}", timeout.Token);
            if (details?.Node is { Length: > 0 } node)
            {
                return node.TrimEnd('/');
            }
            await Task.Delay(250, timeout.Token);
        }
    }

    private static async Task<FrameMessage> ReadAsync(ChannelReader<FrameMessage> frames, Func<FrameMessage, bool> until,
        Dictionary<long, byte[]>? seen, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? Patience);
        while (true)
        {
            FrameMessage frame = await frames.ReadAsync(timeout.Token);
            if (seen is not null && !seen.ContainsKey(frame.Step))
            {
                seen[frame.Step] = frame.Data;
            }
            if (until(frame))
            {
                return frame;
            }
        }
    }

    private static long Drain(ChannelReader<FrameMessage> frames, long step, Dictionary<long, byte[]> seen)
    {
        while (frames.TryRead(out FrameMessage? frame))
        {
            seen.TryAdd(frame.Step, frame.Data);
            step = frame.Step;
        }
        return step;
    }

}
