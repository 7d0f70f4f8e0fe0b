using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;
using WorldWeb.Client.Sharing;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class WorldPlayerTests : ClientTestContext
{
    public WorldPlayerTests()
    {
        Server.OnJson("GET", "/api/worlds/w1/saves", Array.Empty<SaveInfo>());
    }

    [Fact]
    public void Owner_SeesRoleKeyHelpSavesAndSharing()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);

        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));

        page.WaitForAssertion(() => Assert.Equal("owner", page.Find(".badge.role").TextContent));
        Assert.Equal("Test world", page.Find("h1").TextContent);
        var keys = page.Find("section.keys").TextContent;
        Assert.Contains("forward", keys);
        Assert.Contains("↑", keys);
        Assert.DoesNotContain("noop", keys);
        Assert.NotEmpty(page.FindAll("section.saves"));
        Assert.NotEmpty(page.FindComponents<ShareDialog>());
        Assert.NotEmpty(page.FindComponents<WhoMayPlay>());
        Assert.Equal(["w1"], Hub.Joined);
    }

    [Fact]
    public void A_paused_world_says_why_until_it_goes_on()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));
        page.WaitForElement(".view");

        Hub.Pause("other", "not this one");
        Hub.Pause("w1", "The database is unreachable.");
        page.WaitForAssertion(() => Assert.Equal("The database is unreachable.", page.Find("[data-notice=paused]").TextContent));

        Hub.Pause("w1", null);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-notice=paused]")));
    }

    [Fact]
    public void Viewer_SeesViewingBadgeAndNoControls()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Viewer);

        var page = Render<SharedWorldPage>(p => p.Add(x => x.Token, "tok"));

        page.WaitForAssertion(() => Assert.Equal("viewing", page.Find(".badge.role").TextContent));
        Assert.Empty(page.FindAll("section.keys"));
        Assert.Empty(page.FindAll("section.saves"));
        Assert.Empty(page.FindComponents<ShareDialog>());
        Assert.Contains("You are watching this world", page.Markup);
        // Watching is enough to record what one watches.
        Assert.NotEmpty(page.FindAll("section.clips [data-action=record]"));
        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "KeyW" });
        Assert.Empty(Hub.Actions);
    }

    [Fact]
    public void WatchOnly_OnAWorldOneMayPlay_TakesNoKeys_AndOffersToPlay()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Player);

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("watch", true));

        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));

        page.WaitForAssertion(() => Assert.Equal("viewing", page.Find(".badge.role").TextContent));
        Assert.Empty(page.FindAll("section.keys"));
        Assert.Equal("worlds/w1", page.Find("a.play-instead").GetAttribute("href"));
        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "KeyW" });
        Assert.Empty(Hub.Actions);
    }

    [Fact]
    public void Player_KeyDownSendsTheMappedActionAndReleaseReturnsToNoop()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Player);
        var page = Render<SharedWorldPage>(p => p.Add(x => x.Token, "tok"));
        page.WaitForElement(".view");
        Assert.Empty(page.FindAll("section.saves"));
        var view = page.Find(".view");

        view.KeyDown(new KeyboardEventArgs { Code = "KeyW" });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyW", Repeat = true });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyQ" });
        view.KeyUp(new KeyboardEventArgs { Code = "KeyW" });

        Assert.Equal([1, 0], Hub.Actions.Select(a => a.Action));
        Assert.All(Hub.Actions, a => Assert.Equal("w1", a.WorldId));
        Assert.True(Hub.Actions[1].Seq > Hub.Actions[0].Seq);
    }

    [Fact]
    public void Player_PressKey_SendsThePressOncePerKeydown_WhileTheHeldKeyWalksOn()
    {
        Hub.Join = _ => FakeWorldConnection.WorldWithPaint(WorldRoles.Player);
        var page = Render<SharedWorldPage>(p => p.Add(x => x.Token, "tok"));
        page.WaitForElement(".view");
        var view = page.Find(".view");

        view.KeyDown(new KeyboardEventArgs { Code = "KeyW" });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyF" });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyF", Repeat = true });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyF" });  // a repeat a browser did not flag: F never came up
        view.KeyUp(new KeyboardEventArgs { Code = "KeyF" });
        view.KeyDown(new KeyboardEventArgs { Code = "Space" });
        view.KeyUp(new KeyboardEventArgs { Code = "Space" });
        view.KeyDown(new KeyboardEventArgs { Code = "KeyF" });
        Assert.Contains("active", page.Find("[data-action=forward]").ClassName ?? "");
        view.KeyUp(new KeyboardEventArgs { Code = "KeyW" });

        Assert.Equal([1, 3, 3, 3, 0], Hub.Actions.Select(a => a.Action));
        Assert.Equal(Hub.Actions.Select(a => a.Seq).Order(), Hub.Actions.Select(a => a.Seq));
    }

    [Fact]
    public void KeyHelp_ShowsThePaintKeyAsAPress_OnlyWhenTheModelHasPaint()
    {
        Hub.Join = _ => FakeWorldConnection.WorldWithPaint(WorldRoles.Owner);
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));
        page.WaitForElement("section.keys");

        var paint = page.Find("section.keys [data-action=paint]");
        Assert.Equal(["F", "Space"], paint.QuerySelectorAll("kbd").Select(k => k.TextContent));
        Assert.Equal("true", paint.GetAttribute("data-press"));
        Assert.Contains("once per press", paint.TextContent);
        Assert.Null(page.Find("section.keys [data-action=forward]").GetAttribute("data-press"));
        Hub.Push(8);
        page.WaitForAssertion(() => Assert.Equal("Click the view and use WA / arrows to move, F to paint", page.Find(".view-hint").TextContent));
    }

    [Fact]
    public void AModelWithoutPaint_ShowsNoPaintKey_AndFDoesNothing()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));
        page.WaitForElement("section.keys");

        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "KeyF" });
        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "Space" });

        Assert.Empty(Hub.Actions);
        Assert.Empty(page.FindAll("section.keys [data-press]"));
        Assert.DoesNotContain("paint", page.Find("section.keys").TextContent);
        Hub.Push(8);
        page.WaitForAssertion(() => Assert.Equal("Click the view and use WA / arrows to move", page.Find(".view-hint").TextContent));
    }

    [Fact]
    public void Player_LosingFocusStopsTheWalk()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Player);
        var page = Render<SharedWorldPage>(p => p.Add(x => x.Token, "tok"));
        page.WaitForElement(".view");

        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "ArrowLeft" });
        page.Find(".view").Blur();

        Assert.Equal([2, 0], Hub.Actions.Select(a => a.Action));
    }

    [Fact]
    public void Frames_AreDrawnAndTheStepAndLatencyShown()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));
        page.WaitForElement(".view");
        Assert.Contains("Waiting for the first frame", page.Markup);

        page.Find(".view").KeyDown(new KeyboardEventArgs { Code = "KeyW" });
        var seq = Hub.Actions.Single().Seq;
        Hub.Push(8);
        Hub.Push(9, lastActionSeq: seq);

        page.WaitForAssertion(() =>
        {
            Assert.Equal(2, ViewModule.Invocations["draw"].Count);
            Assert.Equal("9", page.Find("[data-stat=step]").TextContent);
            Assert.EndsWith(" ms", page.Find("[data-stat=latency]").TextContent);
        });
        Assert.Single(ViewModule.Invocations["attach"]);
        Assert.DoesNotContain("Waiting for the first frame", page.Markup);
    }

    [Fact]
    public void RefusedLink_ShowsAClearPageInsteadOfAnError()
    {
        Hub.Join = _ => throw new WorldJoinException("This link was revoked.");

        var page = Render<SharedWorldPage>(p => p.Add(x => x.Token, "revoked"));

        page.WaitForAssertion(() => Assert.Equal("This link does not open a world", page.Find("h1").TextContent));
        Assert.Contains("This link was revoked.", page.Markup);
        Assert.Contains("Ask whoever shared it for a new link", page.Markup);
        Assert.Empty(page.FindAll("canvas"));
    }

    [Fact]
    public void UnknownWorld_SaysSoAndPointsToTheLobby()
    {
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "nope"));

        page.WaitForAssertion(() => Assert.Equal("This world cannot be opened", page.Find("h1").TextContent));
        Assert.Contains("No world 'nope'.", page.Markup);
    }

    [Fact]
    public void ServerOutOfReach_KeepsTryingAndJoinsOnceItAnswers()
    {
        var attempts = 0;
        Hub.Join = _ => ++attempts < 3 ? throw new HttpRequestException("connection refused") : FakeWorldConnection.World(WorldRoles.Owner);

        var page = Render<WorldPlayer>(p => p.Add(x => x.WorldRef, "w1").Add(x => x.RetryDelayMs, 5));

        page.WaitForAssertion(() => Assert.Equal("owner", page.Find(".badge.role").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(3, attempts);
        Assert.Empty(page.FindAll("[role=alert]"));
    }

    [Fact]
    public void DroppedStream_RejoinsAndDrawsAgain()
    {
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);
        var page = Render<WorldPlayer>(p => p.Add(x => x.WorldRef, "w1").Add(x => x.RetryDelayMs, 5));
        page.WaitForElement(".view");
        Hub.Push(8);
        page.WaitForAssertion(() => Assert.Single(ViewModule.Invocations["draw"]));

        Hub.DropStream();
        page.WaitForAssertion(() => Assert.Equal(2, Hub.Joined.Count), TimeSpan.FromSeconds(5));
        Hub.Push(9);

        page.WaitForAssertion(() => Assert.Equal("9", page.Find("[data-stat=step]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Empty(page.FindAll("[role=alert]"));
    }
}
