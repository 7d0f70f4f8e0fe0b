using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class SafetyTests(WorldWebFactory factory)
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
        await Task.Delay(TimeSpan.FromSeconds(2.5));  // deliberately: the rate's window passes, and actions are taken again
        await connection.InvokeAsync("SendAction", world.Id, 0, 101L);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task CrossSiteRequest_WithTheVisitorsCookie_Is403_AndChangesNothing(string header, string value)
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        int before = (await visitor.Http.GetFromJsonAsync<List<WorldSummary>>("/api/worlds"))!.Count(w => w.Role == "owner");
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/worlds")
        {
            // text/plain is what a cross-site HTML form may send without asking first
            Content = new StringContent("""{"title":"forged","seed":1}""", Encoding.UTF8, "text/plain"),
        };
        forged.Headers.Add(header, value);

        HttpResponseMessage refused = await visitor.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Cross-site request refused", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await visitor.Http.GetFromJsonAsync<List<WorldSummary>>("/api/worlds"))!.Count(w => w.Role == "owner"));
    }

    [Fact]
    public async Task SameOriginRequest_FromWorldWebsOwnPage_IsServed()
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/worlds") { Content = JsonContent.Create(new CreateWorldRequest("mine", null, 1)) };
        request.Headers.Add("Origin", visitor.Http.BaseAddress!.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        HttpResponseMessage created = await visitor.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
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

    [Theory]
    [InlineData("/api/admin/system", HttpStatusCode.Forbidden)]
    [InlineData("/api/worlds/0123456789abcdef", HttpStatusCode.NotFound)]
    [InlineData("/w/not-a-link", HttpStatusCode.OK)]
    public async Task EveryAnswer_ErrorsIncluded_CarriesTheSecurityHeaders(string path, HttpStatusCode status)
    {
        using HttpClient http = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });

        HttpResponseMessage response = await http.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' 'wasm-unsafe-eval'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
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
    public async Task MaxViewersPerWorld_RefusesTheNextViewer_ButNeverTheOwner()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxViewersPerWorld", "1"));
        TestUser owner = await TestUser.CreateAsync(small), guest = await TestUser.CreateAsync(small);
        CreatedWorld world = await owner.CreateWorldAsync();
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Viewer);
        await using HubConnection first = await guest.ConnectAsync(), second = await guest.ConnectAsync(), own = await owner.ConnectAsync();
        await first.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await second.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await own.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream watching = await FrameStream.OpenAsync(first, world.Id);
        await watching.NextAsync();

        await using FrameStream refused = await FrameStream.OpenAsync(second, world.Id);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => refused.NextAsync());
        Assert.Contains("1 viewers, its limit", error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);

        await using FrameStream owners = await FrameStream.OpenAsync(own, world.Id);
        await owners.NextAsync();  // the owner always gets in
    }

    [Fact]
    public async Task OpeningWorldsByTheirFrame_CountsAgainstTheAddressesWorlds_UntilTheyMayHaveUnloaded()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxWatchedWorldsPerIp", "2"));
        // Two identities (a visitor that drops its cookie), one address: every test client's.
        TestUser one = await TestUser.CreateAsync(small), two = await TestUser.CreateAsync(small);
        CreatedWorld first = await one.CreateWorldAsync(), second = await two.CreateWorldAsync(), third = await two.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.OK, (await one.Http.GetAsync($"/api/worlds/{first.Id}/frame")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await two.Http.GetAsync($"/api/worlds/{second.Id}/frame")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await one.Http.GetAsync($"/api/worlds/{first.Id}/frame")).StatusCode);  // the same world again

        HttpResponseMessage refused = await two.Http.GetAsync($"/api/worlds/{third.Id}/frame");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("already watches 2 worlds", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(small.Services.GetRequiredService<WorldDirectory>().FindLive(third.Id));

        // The worlds opened by frame count against joins too: a join would open (and keep live) a third.
        await using (HubConnection hub = await two.ConnectAsync())
        {
            HubException error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<WorldInfo>("JoinWorld", third.Id));
            Assert.Contains("already watches 2 worlds", error.Message, StringComparison.Ordinal);
            Assert.Null(small.Services.GetRequiredService<WorldDirectory>().FindLive(third.Id));
        }

        // Once the first two could have unloaded (Worlds:IdleUnloadSeconds, 3 here), the address may open another.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await two.Http.GetAsync($"/api/worlds/{third.Id}/frame")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the opens were never let go");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task AnOpenThatFails_TakesNoneOfTheAddressesWorlds()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxWatchedWorldsPerIp", "2"));
        TestUser visitor = await TestUser.CreateAsync(small);
        CreatedWorld orphanOne = await visitor.CreateWorldAsync(), orphanTwo = await visitor.CreateWorldAsync(), playable = await visitor.CreateWorldAsync();
        // Two worlds whose model this server does not load: opening them fails, as it does for a world that cannot run here.
        await using (WorldWebDbContext db = await small.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            string[] orphans = [orphanOne.Id, orphanTwo.Id];
            await db.Worlds.Where(w => orphans.Contains(w.Id)).ExecuteUpdateAsync(set => set.SetProperty(w => w.Model, "not-loaded-here"));
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await visitor.Http.GetAsync($"/api/worlds/{orphanOne.Id}/frame")).StatusCode);
        await using (HubConnection hub = await visitor.ConnectAsync())
        {
            HubException refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<WorldInfo>("JoinWorld", orphanTwo.Id));
            Assert.Contains("not loaded", refused.Message, StringComparison.Ordinal);
        }

        // Neither failed open keeps a world live, so neither takes one of the address's two places.
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync($"/api/worlds/{playable.Id}/frame")).StatusCode);
        CreatedWorld another = await visitor.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync($"/api/worlds/{another.Id}/frame")).StatusCode);
    }

    [Fact]
    public async Task JoiningWorldsWithoutStreaming_CountsAgainstTheAddressesWorlds()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Safety:MaxWatchedWorldsPerIp", "2"));
        // Two identities (a visitor that drops its cookie), one address; a join alone resumes a world and keeps it live.
        TestUser one = await TestUser.CreateAsync(small), two = await TestUser.CreateAsync(small);
        CreatedWorld first = await one.CreateWorldAsync(), second = await two.CreateWorldAsync(), third = await two.CreateWorldAsync();
        await using HubConnection hubOne = await one.ConnectAsync(), hubTwo = await two.ConnectAsync();
        await hubOne.InvokeAsync<WorldInfo>("JoinWorld", first.Id);
        await hubTwo.InvokeAsync<WorldInfo>("JoinWorld", second.Id);
        await hubOne.InvokeAsync<WorldInfo>("JoinWorld", first.Id);  // the same world again

        HubException refused = await Assert.ThrowsAsync<HubException>(() => hubTwo.InvokeAsync<WorldInfo>("JoinWorld", third.Id));
        Assert.Contains("already watches 2 worlds", refused.Message, StringComparison.Ordinal);
        WorldDirectory directory = small.Services.GetRequiredService<WorldDirectory>();
        Assert.NotNull(directory.FindLive(second.Id));
        Assert.Null(directory.FindLive(third.Id));
    }

    [Fact]
    public async Task OneConnection_HoldsAtMostTwoStreamsOfAWorld()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream one = await FrameStream.OpenAsync(connection, world.Id), two = await FrameStream.OpenAsync(connection, world.Id);
        await one.NextAsync();
        await two.NextAsync();

        await using FrameStream three = await FrameStream.OpenAsync(connection, world.Id);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => three.NextAsync());
        Assert.Contains("streams this world 2 times", error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionMask_IsForgottenWhenTheWorldUnloads_AndHoldsAgainWhenItResumes()
    {
        // The server's clock is a fake one: the unload after 3 idle seconds happens when the test moves time on, without sleeping.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        TestUser owner = await TestUser.CreateAsync(host), guest = await TestUser.CreateAsync(host);
        CreatedWorld world = await owner.CreateWorldAsync();
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Player);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.PutAsJsonAsync($"/api/worlds/{world.Id}/actions", new ActionMask([2]))).StatusCode);
        await using HubConnection playerHub = await guest.ConnectAsync();
        await playerHub.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        var directory = host.Services.GetRequiredService<WorldDirectory>();
        var masks = host.Services.GetRequiredService<ActionMasks>();
        Assert.True(masks.IsDisabled(world.Id, 2));

        // Nobody watches: the reaper (every second) unloads it once it has been idle for Worlds:IdleUnloadSeconds (3).
        for (int second = 0; directory.FindLive(world.Id) is not null; second++)
        {
            Assert.True(second < 100, "the world was not unloaded");
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.False(masks.IsDisabled(world.Id, 2));
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => playerHub.InvokeAsync("SendAction", world.Id, 2, 1L));
        Assert.Contains("disabled for players", refused.Message, StringComparison.Ordinal);
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

    [Fact]
    public async Task Api_BeyondThePerIpLimit_Is429_WhileHealthStaysOpen()
    {
        using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Safety:ApiRequestsPerSecondPerIp", "2"));
        TestUser visitor = await TestUser.CreateAsync(strict);
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => visitor.Http.GetAsync("/api/models")));

        HttpResponseMessage refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("at most 2 per second per IP address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("Healthy", await visitor.Http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task WorldsKeptPerOwner_BeyondTheLimit_Is409_UntilOneIsDeleted()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Worlds:MaxWorldsPerOwner", "2"));
        TestUser visitor = await TestUser.CreateAsync(small);
        CreatedWorld first = await visitor.CreateWorldAsync();
        await visitor.CreateWorldAsync();

        HttpResponseMessage refused = await visitor.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("a third", null, 1));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("You keep 2 worlds, the most one visitor may; delete one to make another.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.DeleteAsync($"/api/worlds/{first.Id}")).StatusCode);
        await visitor.CreateWorldAsync();
    }

    [Fact]
    public async Task LinksPerWorld_BeyondTheLimit_Is409_UntilOneIsRevoked()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Worlds:MaxLinksPerWorld", "2"));
        TestUser owner = await TestUser.CreateAsync(small);
        CreatedWorld world = await owner.CreateWorldAsync();
        Task<HttpResponseMessage> Share() => owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/links", new CreateShareLinkRequest("viewer", null));
        ShareLinkInfo link = (await (await Share()).Content.ReadFromJsonAsync<ShareLinkInfo>())!;
        Assert.Equal(HttpStatusCode.Created, (await Share()).StatusCode);

        HttpResponseMessage refused = await Share();

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("revoke one to make another", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{link.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Share()).StatusCode);
    }
}
