using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Lobby;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class LobbyTests : ClientTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-25T10:00:00Z");

    public LobbyTests()
    {
        Server.OnJson("GET", "/api/models", new[]
        {
            new ModelInfo("small", "1", "", 64, 64, 20, 4, 0, [], false),
            new ModelInfo("default", "2", "", 64, 64, 15, 4, 8, [], true),
        });
    }

    [Fact]
    public void Lobby_ListsMyWorldsApartFromPublicOnes()
    {
        Server.OnJson("GET", "/api/worlds", new[]
        {
            new WorldSummary("a", "Mine", "default", 10, WorldRoles.Owner, false, true, Now, Now),
            new WorldSummary("b", "Theirs", "default", 99, WorldRoles.Viewer, true, false, Now, Now),
        });

        var lobby = Render<LobbyPage>();

        lobby.WaitForAssertion(() =>
        {
            var mine = lobby.Find("section[aria-label='Your worlds']");
            var others = lobby.Find("section[aria-label='Public worlds']");
            Assert.Equal("worlds/a", mine.QuerySelector("a.world-title")!.GetAttribute("href"));
            Assert.Contains("live", mine.TextContent);
            Assert.Equal("Theirs", others.QuerySelector("a.world-title")!.TextContent);
            Assert.DoesNotContain("Theirs", mine.TextContent);
        });
    }

    [Fact]
    public void Lobby_ShowsLiveWorldsWithThumbnailViewersAndAJoinByRole_AndMyWorldsLastFrames()
    {
        Server.OnJson("GET", "/api/worlds", new[] { new WorldSummary("a", "Mine", "default", 10, WorldRoles.Owner, true, true, Now, Now) });
        Server.OnJson("GET", "/api/lobby/live", new LobbySnapshot(Now,
        [
            new LobbyWorld("b", "Theirs", "default", 99, 3, "data:image/jpeg;base64,AAAA"),
            new LobbyWorld("a", "Mine", "default", 10, 1, "data:image/jpeg;base64,BBBB"),
            new LobbyWorld("c", "Open to play", "default", 5, 0, "data:image/jpeg;base64,CCCC", Playable: true),
        ]));

        var lobby = Render<LobbyPage>();

        lobby.WaitForAssertion(() =>
        {
            var theirs = lobby.Find(".live-card[data-world='b']");
            Assert.Equal("data:image/jpeg;base64,AAAA", theirs.QuerySelector("img.thumb")!.GetAttribute("src"));
            Assert.Equal("3 watching", theirs.QuerySelector(".viewers")!.TextContent);
            Assert.Equal(("worlds/b", "Watch"), (theirs.QuerySelector("a.join")!.GetAttribute("href"), theirs.QuerySelector("a.join")!.TextContent));
            Assert.Equal("Play", lobby.Find(".live-card[data-world='a'] a.join").TextContent);
            // A world anyone may play: one click to play, one to watch only.
            Assert.Equal([("worlds/c", "Play"), ("worlds/c?watch=true", "Watch")],
                lobby.FindAll(".live-card[data-world='c'] a.join").Select(a => (a.GetAttribute("href"), a.TextContent)));
            Assert.Equal("api/lobby/worlds/a/thumbnail", lobby.Find("section[aria-label='Your worlds'] img.thumb").GetAttribute("src"));
        });
    }

    [Fact]
    public void LiveWorlds_InAVisibleTab_ReadTheServersStream_AndDoNotPoll()
    {
        Visible(true);
        Server.On("GET", "/api/lobby/live/stream", _ => Events(new LobbySnapshot(Now, [new LobbyWorld("b", "Theirs", "default", 99, 3, "data:image/jpeg;base64,AAAA")])));

        var live = Render<LiveWorlds>();

        live.WaitForAssertion(() => Assert.Equal("3 watching", live.Find(".live-card[data-world='b'] .viewers").TextContent));
        Assert.Empty(Server.Sent("GET", "/api/lobby/live"));
    }

    [Fact]
    public void LiveWorlds_RefusedAStream_Poll_AndDoNotAskForOneAgainAtOnce()
    {
        Visible(true);
        Server.On("GET", "/api/lobby/live/stream", _ => FakeServerApi.Problem(HttpStatusCode.TooManyRequests, "Too many requests", "Too many lobby streams open"));
        Server.OnJson("GET", "/api/lobby/live", new LobbySnapshot(Now, [new LobbyWorld("b", "Theirs", "default", 99, 3, "data:image/jpeg;base64,AAAA")]));

        var live = Render<LiveWorlds>();

        live.WaitForAssertion(() => Assert.True(Server.Sent("GET", "/api/lobby/live").Count() >= 2), TimeSpan.FromSeconds(5));
        Assert.Equal("3 watching", live.Find(".live-card[data-world='b'] .viewers").TextContent);
        Assert.Single(Server.Sent("GET", "/api/lobby/live/stream"));
    }

    [Fact]
    public void LiveWorlds_WhenTheStreamSendsNothing_PollInstead()
    {
        // Headers and then nothing, as through a proxy that holds the events back.
        var silent = new System.IO.Pipelines.Pipe();
        Visible(true);
        Server.On("GET", "/api/lobby/live/stream", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(silent.Reader.AsStream()) });
        Server.OnJson("GET", "/api/lobby/live", new LobbySnapshot(Now, [new LobbyWorld("b", "Theirs", "default", 99, 3, "data:image/jpeg;base64,AAAA")]));

        var live = Render<LiveWorlds>();

        live.WaitForAssertion(() => Assert.Equal("3 watching", live.Find(".live-card[data-world='b'] .viewers").TextContent), TimeSpan.FromSeconds(15));
        Assert.Single(Server.Sent("GET", "/api/lobby/live/stream"));
    }

    [Fact]
    public async Task LiveWorlds_InAHiddenTab_AskOnceForWhatToShow_AndHoldNoStream()
    {
        Visible(false);
        Server.OnJson("GET", "/api/lobby/live", new LobbySnapshot(Now, [new LobbyWorld("b", "Theirs", "default", 99, 3, "data:image/jpeg;base64,AAAA")]));

        var live = Render<LiveWorlds>();
        live.WaitForAssertion(() => Assert.Equal("3 watching", live.Find(".live-card[data-world='b'] .viewers").TextContent));
        await Task.Delay(2.5 * WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery);

        Assert.Single(Server.Sent("GET", "/api/lobby/live"));
        Assert.Empty(Server.Sent("GET", "/api/lobby/live/stream"));
    }

    private void Visible(bool visible) => JSInterop.SetupModule("./js/lobby.js").Setup<bool>("visible").SetResult(visible);

    /// <summary>A stream of one snapshot event, as the server writes it (the stream then ends, as on a server's restart).</summary>
    private static HttpResponseMessage Events(LobbySnapshot snapshot) => new(HttpStatusCode.OK)
    {
        Content = new StringContent($"event: {LobbyStreamEvents.Snapshot}\ndata: {JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web)}\nid: \"t1\"\n\n",
            Encoding.UTF8, "text/event-stream"),
    };

    [Fact]
    public void Lobby_WithoutWorlds_SaysHowToStart()
    {
        Server.OnJson("GET", "/api/worlds", Array.Empty<WorldSummary>());

        var lobby = Render<LobbyPage>();

        lobby.WaitForAssertion(() => Assert.Contains("You have no worlds yet: create one above.", lobby.Markup));
    }

    [Fact]
    public void Lobby_WhenTheServerFails_ShowsWhatToDo()
    {
        Server.On("GET", "/api/worlds", _ => FakeServerApi.Problem(HttpStatusCode.InternalServerError, "Database unavailable"));

        var lobby = Render<LobbyPage>();

        lobby.WaitForAssertion(() =>
            Assert.Contains("Could not load the worlds: Database unavailable Reload the page", lobby.Find("[role=alert]").TextContent));
    }

    [Fact]
    public void CreateForm_PreselectsTheDefaultModel()
    {
        var form = Render<CreateWorldForm>();

        form.WaitForAssertion(() => Assert.Equal("default", form.Find("#world-model").GetAttribute("value")));
    }

    [Fact]
    public void CreateForm_WithoutTitle_ExplainsAndSendsNothing()
    {
        var form = Render<CreateWorldForm>();
        form.WaitForElement("form");

        form.Find("form").Submit();

        Assert.Contains("Give the world a title.", form.Find(".validation-errors").TextContent);
        Assert.Empty(Server.Sent("POST", "/api/worlds"));
    }

    [Fact]
    public void CreateForm_Valid_PostsTheWorldAndOpensIt()
    {
        Server.OnJson("POST", "/api/worlds", new CreatedWorld("new1", "/worlds/new1"), HttpStatusCode.Created);
        var form = Render<CreateWorldForm>();
        form.WaitForElement("form");

        form.Find("#world-title").Change("  Meadow  ");
        form.Find("#world-model").Change("small");
        form.Find("#world-seed").Change("42");
        form.Find("form").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        form.WaitForAssertion(() => Assert.EndsWith("/worlds/new1", navigation.Uri));
        var body = Assert.Single(Server.Sent("POST", "/api/worlds")).Json;
        Assert.Equal("Meadow", body.GetProperty("title").GetString());
        Assert.Equal("small", body.GetProperty("model").GetString());
        Assert.Equal(42, body.GetProperty("seed").GetInt64());
    }

    [Fact]
    public void CreateForm_OffersPlayToAnyone_OnlyForAPublicWorld()
    {
        Server.OnJson("POST", "/api/worlds", new CreatedWorld("new2", "/worlds/new2"), HttpStatusCode.Created);
        var form = Render<CreateWorldForm>();
        form.WaitForElement("form");
        Assert.Empty(form.FindAll("#world-public-play"));

        form.Find("#world-title").Change("Open house");
        form.Find("#world-public").Change(true);
        form.Find("#world-public-play").Change(true);
        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Single(Server.Sent("POST", "/api/worlds")));
        var body = Server.Sent("POST", "/api/worlds").Single().Json;
        Assert.True(body.GetProperty("isPublic").GetBoolean());
        Assert.True(body.GetProperty("publicPlay").GetBoolean());
    }

    [Fact]
    public void CreateForm_RefusedByTheServer_ShowsTheReason()
    {
        Server.On("POST", "/api/worlds", _ => FakeServerApi.Problem(HttpStatusCode.BadRequest, "Invalid world", "Unknown model 'small'."));
        var form = Render<CreateWorldForm>();
        form.WaitForElement("form");

        form.Find("#world-title").Change("Meadow");
        form.Find("form").Submit();

        form.WaitForAssertion(() =>
            Assert.Equal("The world was not created: Unknown model 'small'.", form.Find("[role=alert]").TextContent));
    }
}
