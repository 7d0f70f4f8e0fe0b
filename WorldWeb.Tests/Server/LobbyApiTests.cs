extern alias server;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;

namespace WorldWeb.Tests.Server;

/// <summary>The lobby: live public worlds with viewers and thumbnails, owners' last frames, and no world woken by either.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class LobbyApiTests(WorldWebFactory factory)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private WorldDirectory Directory => factory.Services.GetRequiredService<WorldDirectory>();

    [Fact]
    public async Task LivePublicWorld_IsListedWithItsViewers_AndAThumbnailOfItsStreamedFrameThatChangesAsItSteps()
    {
        TestUser owner = await TestUser.CreateAsync(factory), visitor = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 11, isPublic: true, title: "lobby public");
        await using HubConnection connection = await owner.ConnectAsync();
        WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await connection.InvokeAsync("SendAction", world.Id, info.Actions.Single(a => a.Name == "forward").Index, 1L);
        // Every frame the world streams, by step, to hold the lobby's thumbnails against.
        var streamed = new ConcurrentDictionary<long, byte[]>();
        using var stop = new CancellationTokenSource(Patience);
        Task reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                FrameMessage f = await frames.NextAsync(Patience);
                streamed[f.Step] = f.Data;
            }
        });

        LobbyWorld first = await ListedAsync(visitor, world.Id, w => streamed.ContainsKey(w.Step));
        Assert.Equal(("lobby public", 1), (first.Title, first.Viewers));
        (string contentType, byte[] image) = DataUrl(first.Thumbnail);
        Assert.Equal(FrameContentType, contentType);
        Assert.Equal(streamed[first.Step], image);
        using (SKBitmap decoded = SKBitmap.Decode(image))
        {
            Assert.Equal((info.Width, info.Height), (decoded.Width, decoded.Height));
        }

        LobbyWorld later = await ListedAsync(visitor, world.Id, w => w.Step > first.Step && !DataUrl(w.Thumbnail).Data.AsSpan().SequenceEqual(image));
        Assert.True(later.Step > first.Step);
        await stop.CancelAsync();
        await reading;
    }

    [Fact]
    public async Task PrivateLiveWorldOfAnother_IsNotListed_NorItsThumbnailShown()
    {
        TestUser owner = await TestUser.CreateAsync(factory), visitor = await TestUser.CreateAsync(factory);
        CreatedWorld hidden = await owner.CreateWorldAsync(isPublic: false, title: "lobby private");
        CreatedWorld shown = await owner.CreateWorldAsync(isPublic: true, title: "lobby beside it");
        await using HubConnection connection = await owner.ConnectAsync();
        await using FrameStream hiddenFrames = await JoinAsync(connection, hidden.Id);
        await using FrameStream shownFrames = await JoinAsync(connection, shown.Id);

        // Once the public one is listed, the snapshot was made while both were live.
        LobbySnapshot snapshot = await SnapshotUntilAsync(visitor, s => s.Worlds.Any(w => w.Id == shown.Id));

        Assert.DoesNotContain(snapshot.Worlds, w => w.Id == hidden.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.Http.GetAsync($"/api/lobby/worlds/{hidden.Id}/thumbnail")).StatusCode);
    }

    [Fact]
    public async Task SleepingWorlds_AreNotListed_AndTheirOwnersThumbnailDoesNotResumeThem()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(isPublic: true, title: "lobby asleep");

        LobbySnapshot snapshot = (await owner.Http.GetFromJsonAsync<LobbySnapshot>("/api/lobby/live"))!;
        HttpResponseMessage thumbnail = await owner.Http.GetAsync($"/api/lobby/worlds/{world.Id}/thumbnail");

        Assert.DoesNotContain(snapshot.Worlds, w => w.Id == world.Id);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        using (SKBitmap decoded = SKBitmap.Decode(await thumbnail.Content.ReadAsByteArrayAsync()))
        {
            Assert.True(decoded.Width > 0);
        }
        Assert.Null(Directory.FindLive(world.Id));
        Assert.Equal(0, (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!.Step);
    }

    [Fact]
    public async Task OwnersThumbnail_OfAWorldGoneToSleep_IsItsLatestSavesFrame_AndRevalidatesWith304()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(title: "lobby saved");
        await using (HubConnection connection = await owner.ConnectAsync())
        await using (FrameStream frames = await JoinAsync(connection, world.Id))
        {
            await frames.UntilAsync(f => f.Step >= 5);
        }
        // Nobody watches: the world is saved and unloaded after Worlds:IdleUnloadSeconds.
        using var timeout = new CancellationTokenSource(Patience);
        while (Directory.FindLive(world.Id) is not null)
        {
            await Task.Delay(100, timeout.Token);
        }

        HttpResponseMessage first = await owner.Http.GetAsync($"/api/lobby/worlds/{world.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("\"save-", first.Headers.ETag!.Tag);
        Assert.Equal(FrameContentType, first.Content.Headers.ContentType!.MediaType);
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/lobby/worlds/{world.Id}/thumbnail");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await owner.Http.SendAsync(again)).StatusCode);
        Assert.Null(Directory.FindLive(world.Id));

        // A save this model cannot read (written by another model of this name, or damaged) is refused in its own words.
        await using (WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            await db.Saves.Where(s => s.WorldId == world.Id).ExecuteUpdateAsync(set => set.SetProperty(s => s.State, "not a save"u8.ToArray()));
        }
        HttpResponseMessage unreadable = await owner.Http.GetAsync($"/api/lobby/worlds/{world.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unreadable.StatusCode);
        string says = await unreadable.Content.ReadAsStringAsync();
        Assert.Contains("latest save of this world cannot be read (not a WorldWeb save", says, StringComparison.Ordinal);
        Assert.DoesNotContain("not loaded", says, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-world-id")]
    [InlineData("0123456789abcdef")]
    [InlineData("0123456789ABCDEF")]
    public async Task Thumbnail_OfNoSuchWorld_Is404(string id)
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.Http.GetAsync($"/api/lobby/worlds/{id}/thumbnail")).StatusCode);
    }

    [Fact]
    public async Task Stream_FirstEventIsTheSnapshot_TheSameAsLiveAnswers()
    {
        using WebApplicationFactory<server::Program> host = QuietHost();
        TestUser visitor = await TestUser.CreateAsync(host);

        await using LobbyEvents stream = await LobbyEvents.OpenAsync(visitor.Http);
        SseItem<string> first = await stream.NextAsync();
        HttpResponseMessage live = await visitor.Http.GetAsync("/api/lobby/live");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
        Assert.True(stream.Response.Headers.CacheControl!.NoCache);
        Assert.Equal(LobbyStreamEvents.Snapshot, first.EventType);
        // Nothing is live on this server, so /live's snapshot is the same one: its tag is the event's id.
        Assert.Equal(live.Headers.ETag!.Tag, first.EventId);
        Assert.Empty(LobbyEvents.Snapshot(first).Worlds);
        Assert.Empty((await live.Content.ReadFromJsonAsync<LobbySnapshot>())!.Worlds);
    }

    [Fact]
    public async Task Stream_AWorldThatGoesLive_ShowsInALaterEvent_AndMovesOn()
    {
        TestUser owner = await TestUser.CreateAsync(factory), visitor = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(isPublic: true, title: "lobby stream");
        await using LobbyEvents stream = await LobbyEvents.OpenAsync(visitor.Http);
        LobbySnapshot before = LobbyEvents.Snapshot(await stream.NextAsync());

        await using HubConnection connection = await owner.ConnectAsync();
        await using FrameStream frames = await JoinAsync(connection, world.Id);
        LobbyWorld listed = (await stream.SnapshotUntilAsync(s => s.Worlds.Any(w => w.Id == world.Id))).Worlds.Single(w => w.Id == world.Id);
        LobbyWorld later = (await stream.SnapshotUntilAsync(s => s.Worlds.Any(w => w.Id == world.Id && w.Step > listed.Step))).Worlds.Single(w => w.Id == world.Id);

        Assert.DoesNotContain(before.Worlds, w => w.Id == world.Id);
        Assert.Equal(("lobby stream", 1), (listed.Title, listed.Viewers));
        Assert.NotEqual(listed.Thumbnail, later.Thumbnail);
    }

    [Fact]
    public async Task Stream_OfAnUnchangedLobby_SendsNoSnapshotAgain_OnlyAKeepAliveAfter15Seconds()
    {
        // The server's clock is a fake one: the test moves it on a second at a time, as the stream's looks would go.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using WebApplicationFactory<server::Program> host = QuietHost(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        TestUser visitor = await TestUser.CreateAsync(host);
        await using LobbyEvents stream = await LobbyEvents.OpenAsync(visitor.Http);
        Assert.Equal(LobbyStreamEvents.Snapshot, (await stream.NextAsync()).EventType);

        for (int second = 1; second < LobbyStreamEvents.KeepAliveEvery.TotalSeconds; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Null(await stream.TryNextAsync(TimeSpan.FromMilliseconds(200)));
        }
        // Past 15 s of silence, however late the stream's looks ran: the next event is a keep-alive, not the snapshot again.
        SseItem<string>? next = null;
        for (int more = 0; next is null; more++)
        {
            Assert.True(more < 30, "no keep-alive came");
            clock.Advance(TimeSpan.FromSeconds(1));
            next = await stream.TryNextAsync(TimeSpan.FromMilliseconds(200));
        }
        Assert.Equal(LobbyStreamEvents.KeepAlive, next.Value.EventType);
        Assert.Equal("", next.Value.Data);
    }

    [Fact]
    public async Task Stream_BeyondTheCapsPerAddressAndPerServer_Is429SayingWhatToDo()
    {
        using WebApplicationFactory<server::Program> host = QuietHost(b => b
            .UseSetting("Safety:MaxLobbyStreamsPerIp", "2").UseSetting("Safety:MaxLobbyStreams", "3"));
        HttpClient From(string address) => new(host.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = host.Server.BaseAddress,
        };
        using HttpClient first = From("203.0.113.7"), second = From("203.0.113.8");
        await using LobbyEvents a1 = await LobbyEvents.OpenAsync(first), a2 = await LobbyEvents.OpenAsync(first);

        await using (LobbyEvents a3 = await LobbyEvents.OpenAsync(first))
        {
            await RefusedAsync(a3.Response);
        }
        await using LobbyEvents b1 = await LobbyEvents.OpenAsync(second);
        await using (LobbyEvents b2 = await LobbyEvents.OpenAsync(second))
        {
            // The second address holds one stream, but the server holds its three.
            await RefusedAsync(b2.Response);
        }
        await a1.DisposeAsync();
        // The server lets go of a closed stream's place when it sees the request end, a moment after the client closed it
        // (a loaded CI machine once took longer than the next open).
        await using LobbyEvents again = await OpenOnceFreedAsync(second);

        foreach (LobbyEvents open in (LobbyEvents[])[a2, b1, again])
        {
            Assert.Equal(HttpStatusCode.OK, open.Response.StatusCode);
            Assert.Equal(LobbyStreamEvents.Snapshot, (await open.NextAsync()).EventType);
        }
    }

    [Fact]
    public async Task Stream_EndsWhenTheServerStops()
    {
        using WebApplicationFactory<server::Program> host = QuietHost();
        TestUser visitor = await TestUser.CreateAsync(host);
        await using LobbyEvents stream = await LobbyEvents.OpenAsync(visitor.Http);
        await stream.NextAsync();

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.True(await stream.EndedAsync(TimeSpan.FromSeconds(5)), "the stream held the server's shutdown");
    }

    private static async Task<LobbyEvents> OpenOnceFreedAsync(HttpClient http)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            LobbyEvents opened = await LobbyEvents.OpenAsync(http);
            if (opened.Response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return opened;
            }
            await opened.DisposeAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "a closed stream still held its place 10 s on");
            await Task.Delay(100);
        }
    }

    private static async Task RefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter!.Delta);
        string says = await response.Content.ReadAsStringAsync();
        Assert.Contains("at most 2 at once per IP address and 3 on this server", says, StringComparison.Ordinal);
        Assert.Contains("Close a lobby tab you do not need, or read GET /api/lobby/live once a second meanwhile", says, StringComparison.Ordinal);
    }

    /// <summary>A server of its own, a cluster of one where nothing is live: its lobby changes only when a test makes it.</summary>
    private WebApplicationFactory<server::Program> QuietHost(Action<IWebHostBuilder>? configure = null) => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Cluster:Id", $"test-{Guid.NewGuid():N}");
        configure?.Invoke(b);
    });

    /// <summary>The frames' content type in the tests' server (Frames:Format's default).</summary>
    private const string FrameContentType = "image/jpeg";

    private static async Task<FrameStream> JoinAsync(HubConnection connection, string worldId)
    {
        await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
        FrameStream frames = await FrameStream.OpenAsync(connection, worldId);
        await frames.NextAsync();
        return frames;
    }

    private static async Task<LobbyWorld> ListedAsync(TestUser visitor, string worldId, Func<LobbyWorld, bool> done) =>
        (await SnapshotUntilAsync(visitor, s => s.Worlds.Any(w => w.Id == worldId && done(w)))).Worlds.Single(w => w.Id == worldId);

    /// <summary>Polls the lobby as a page does, its tag sent back (every 250 ms, twice as often as a page) until a snapshot satisfies <paramref name="done"/>.</summary>
    private static async Task<LobbySnapshot> SnapshotUntilAsync(TestUser visitor, Func<LobbySnapshot, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        EntityTagHeaderValue? tag = null;
        LobbySnapshot? last = null;
        while (true)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/lobby/live");
            if (tag is not null)
            {
                request.Headers.IfNoneMatch.Add(tag);
            }
            HttpResponseMessage response = await visitor.Http.SendAsync(request, timeout.Token);
            if (response.StatusCode != HttpStatusCode.NotModified)
            {
                response.EnsureSuccessStatusCode();
                (tag, last) = (response.Headers.ETag, await response.Content.ReadFromJsonAsync<LobbySnapshot>(timeout.Token));
            }
            if (last is not null && done(last))
            {
                return last;
            }
            await Task.Delay(250, timeout.Token);
        }
    }

    private static (string ContentType, byte[] Data) DataUrl(string url)
    {
        Assert.StartsWith("data:", url);
        int comma = url.IndexOf(',');
        Assert.EndsWith(";base64", url[..comma]);
        return (url[5..url.IndexOf(';')], Convert.FromBase64String(url[(comma + 1)..]));
    }
}
