using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class SafetyTests(WorldWebFactory factory, ITestOutputHelper output)
{
    [Fact]
    public async Task CreateWorld_BeyondThePerIdentityLimit_Is429WithRetryAfter()
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        for (int i = 0; i < 10; i++)
        {
            await visitor.CreateWorldAsync();
        }

        HttpResponseMessage refused = await visitor.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("one too many", null, 1));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("at most 10 per minute per visitor", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await (await TestUser.CreateAsync(factory)).CreateWorldAsync();
    }

    [Fact]
    public async Task SendAction_BeyondTheHardLimit_IsRefusedAndThrottled()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);

        int refused = 0;
        for (int seq = 1; seq <= 100; seq++)
        {
            try
            {
                await connection.InvokeAsync("SendAction", world.Id, 1, (long)seq);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException ex) when (ex.Message.Contains("Too many actions", StringComparison.Ordinal))
            {
                refused++;
            }
        }

        Assert.InRange(refused, 1, 60);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await connection.InvokeAsync("SendAction", world.Id, 0, 101L);
    }

    [Fact]
    public async Task Api_OversizeBody_Is413_AndSecurityHeadersAreSet()
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        string huge = "{\"title\":\"" + new string('x', 64 * 1024) + "\"}";

        HttpResponseMessage response = await visitor.Http.PostAsync("/api/worlds", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Metrics_ExposeSteppingAndSessions_AndHealthIsHealthy()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.UntilAsync(f => f.Step >= 5);

        string metrics = await owner.Http.GetStringAsync("/metrics");

        Assert.Contains("worldweb_step_runs", metrics, StringComparison.Ordinal);
        Assert.Contains("worldweb_step_time_milliseconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("worldweb_frames_sent", metrics, StringComparison.Ordinal);
        Assert.Contains("worldweb_sessions_live", metrics, StringComparison.Ordinal);
        Assert.Equal("Healthy", await owner.Http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task MaxViewersPerWorld_RefusesTheNextStream()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxViewersPerWorld", "1"));
        TestUser owner = await TestUser.CreateAsync(small);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection first = await owner.ConnectAsync(), second = await owner.ConnectAsync();
        await first.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await second.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream watching = await FrameStream.OpenAsync(first, world.Id);
        await watching.NextAsync();

        await using FrameStream refused = await FrameStream.OpenAsync(second, world.Id);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => refused.NextAsync());

        Assert.Contains("1 viewers, its limit", error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The bar of issue 5: one visitor floods actions, makes worlds as fast as it is allowed and sends
    /// malformed and oversize hub and API messages; another world, watched meanwhile, keeps ≥ 95% of its fps.
    /// </summary>
    [Fact]
    public async Task Abuse_FloodsAndMalformedMessages_OtherWorldKeeps95PercentOfItsFps()
    {
        TestUser victim = await TestUser.CreateAsync(factory), abuser = await TestUser.CreateAsync(factory);
        CreatedWorld watched = await victim.CreateWorldAsync();
        await using HubConnection viewer = await victim.ConnectAsync(HubProtocol.MessagePack);
        await viewer.InvokeAsync<WorldInfo>("JoinWorld", watched.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(viewer, watched.Id);
        await frames.UntilAsync(f => f.Step >= 10);
        double before = await FpsAsync(frames, TimeSpan.FromSeconds(4));

        CreatedWorld own = await abuser.CreateWorldAsync();
        await using HubConnection flooder = await abuser.ConnectAsync(HubProtocol.MessagePack);
        await flooder.InvokeAsync<WorldInfo>("JoinWorld", own.Id);
        await using FrameStream ownFrames = await FrameStream.OpenAsync(flooder, own.Id);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var counts = new AbuseCounts();
        Task[] abuse =
        [
            FloodActionsAsync(flooder, own.Id, counts, stop.Token),
            CreateWorldsAsync(abuser, counts, stop.Token),
            MalformedAsync(abuser, watched.Id, counts, stop.Token),
        ];
        double during = await FpsAsync(frames, TimeSpan.FromSeconds(4));
        await Task.WhenAll(abuse);
        output.WriteLine($"watched world: {before:F2} fps before, {during:F2} fps under abuse ({100 * during / before:F1}%); {counts}");

        Assert.True(during >= 0.95 * before, $"watched world ran at {during:F1} fps under abuse, {before:F1} before");
        Assert.True(counts.ActionsRefused > 0 && counts.WorldsRefused > 0 && counts.Malformed > 0, counts.ToString());
        Assert.Equal(HttpStatusCode.OK, (await victim.Http.GetAsync($"/api/worlds/{watched.Id}")).StatusCode);
    }

    private sealed record AbuseCounts
    {
        public int ActionsSent;
        public int ActionsRefused;
        public int WorldsMade;
        public int WorldsRefused;
        public int Malformed;
    }

    private static async Task<double> FpsAsync(FrameStream frames, TimeSpan window)
    {
        FrameMessage first = await frames.NextAsync();
        var clock = Stopwatch.StartNew();
        FrameMessage last = first;
        while (clock.Elapsed < window)
        {
            last = await frames.NextAsync();
        }
        return (last.Step - first.Step) / clock.Elapsed.TotalSeconds;
    }

    private static async Task FloodActionsAsync(HubConnection flooder, string worldId, AbuseCounts counts, CancellationToken stop)
    {
        long seq = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await flooder.InvokeAsync("SendAction", worldId, (int)(seq % 3), ++seq, CancellationToken.None);
                Interlocked.Increment(ref counts.ActionsSent);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
                Interlocked.Increment(ref counts.ActionsRefused);
            }
        }
    }

    private static async Task CreateWorldsAsync(TestUser abuser, AbuseCounts counts, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpResponseMessage response = await abuser.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("spam", null, 1), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref counts.WorldsRefused);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
            else
            {
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref counts.WorldsMade);
            }
        }
    }

    private static async Task MalformedAsync(TestUser abuser, string victimWorld, AbuseCounts counts, CancellationToken stop)
    {
        string[] bodies = ["{", "[]", "{\"title\": 5}", "{\"seed\": \"x\"}", "null", new string('[', 5000), "\u0000\u0001", "{\"title\":\"" + new string('y', 40_000) + "\"}"];
        int i = 0;
        while (!stop.IsCancellationRequested)
        {
            string body = bodies[i++ % bodies.Length];
            HttpResponseMessage response = await abuser.Http.PostAsync("/api/worlds", new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None);
            Assert.True((int)response.StatusCode is 400 or 413 or 415 or 429, $"{(int)response.StatusCode} for a malformed body");
            await using HubConnection hub = await abuser.ConnectAsync();
            await SwallowAsync(() => hub.InvokeAsync<WorldInfo>("JoinWorld", new string('z', 8 * 1024)));
            await SwallowAsync(() => hub.InvokeAsync("SendAction", victimWorld, int.MaxValue, long.MinValue));
            await SwallowAsync(() => hub.InvokeAsync("Frames", 42, "x"));
            Interlocked.Add(ref counts.Malformed, 4);
        }
    }

    private static async Task SwallowAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or TaskCanceledException or IOException)
        {
        }
    }

    [Fact]
    public async Task ActionMask_DisablesAnActionForPlayers_NotForTheOwner()
    {
        TestUser owner = await TestUser.CreateAsync(factory), guest = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Player);
        HttpResponseMessage set = await owner.Http.PutAsJsonAsync($"/api/worlds/{world.Id}/actions", new ActionMask([3, 2, 3]));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal([2, 3], (await set.Content.ReadFromJsonAsync<ActionMask>())!.Disabled);
        await using HubConnection ownerHub = await owner.ConnectAsync(), playerHub = await guest.ConnectAsync();
        await ownerHub.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await playerHub.InvokeAsync<WorldInfo>("JoinWorld", link.Token);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => playerHub.InvokeAsync("SendAction", world.Id, 2, 1L));
        await playerHub.InvokeAsync("SendAction", world.Id, 1, 2L);
        await ownerHub.InvokeAsync("SendAction", world.Id, 2, 3L);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.PutAsJsonAsync($"/api/worlds/{world.Id}/actions", new ActionMask([]))).StatusCode);
        await playerHub.InvokeAsync("SendAction", world.Id, 2, 4L);

        Assert.Contains("Action 2 is disabled for players in this world by its owner.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.PutAsJsonAsync($"/api/worlds/{world.Id}/actions", new ActionMask([0]))).StatusCode);
    }

    [Fact]
    public async Task LiveWorldsPerOwner_BeyondTheQuota_AreRefusedWithAClearMessage()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Worlds:MaxLiveWorldsPerOwner", "2"));
        TestUser owner = await TestUser.CreateAsync(small);
        CreatedWorld[] worlds = [await owner.CreateWorldAsync(), await owner.CreateWorldAsync(), await owner.CreateWorldAsync()];
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", worlds[0].Id);
        await connection.InvokeAsync<WorldInfo>("JoinWorld", worlds[1].Id);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => connection.InvokeAsync<WorldInfo>("JoinWorld", worlds[2].Id));

        Assert.Contains("already has 2 live worlds, the most one visitor may have at once", refused.Message, StringComparison.Ordinal);
        TestUser other = await TestUser.CreateAsync(small);
        CreatedWorld theirs = await other.CreateWorldAsync();
        await using HubConnection otherConnection = await other.ConnectAsync();
        Assert.Equal(theirs.Id, (await otherConnection.InvokeAsync<WorldInfo>("JoinWorld", theirs.Id)).WorldId);
    }

    [Fact]
    public async Task AnonymousWorld_IsStoppedAfterTheSessionLimit_AnAccountsWorldIsNot()
    {
        using var short_ = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxAnonymousSessionSeconds", "10"));
        TestUser anonymous = await TestUser.CreateAsync(short_), member = await TestUser.CreateAsync(short_);
        await member.SignInAsync(TestUser.NewEmail(), "a long enough password", signUp: true);
        CreatedWorld anonymousWorld = await anonymous.CreateWorldAsync(), memberWorld = await member.CreateWorldAsync();
        await using HubConnection anonymousHub = await anonymous.ConnectAsync(), memberHub = await member.ConnectAsync();
        var closed = new TaskCompletionSource<string>();
        anonymousHub.On<string, string>("WorldClosed", (_, reason) => closed.TrySetResult(reason));
        await anonymousHub.InvokeAsync<WorldInfo>("JoinWorld", anonymousWorld.Id);
        await memberHub.InvokeAsync<WorldInfo>("JoinWorld", memberWorld.Id);
        await using FrameStream anonymousFrames = await FrameStream.OpenAsync(anonymousHub, anonymousWorld.Id);
        await using FrameStream memberFrames = await FrameStream.OpenAsync(memberHub, memberWorld.Id);

        string reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("sign up to play longer", reason, StringComparison.Ordinal);
        FrameMessage latest = await memberFrames.NextAsync();
        await memberFrames.UntilAsync(f => f.Step >= latest.Step + 5);
        Assert.True((await member.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{memberWorld.Id}"))!.IsLive);
    }
}
