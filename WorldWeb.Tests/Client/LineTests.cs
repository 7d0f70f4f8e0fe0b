using Bunit;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

/// <summary>The play page on a full server: it waits in line, shows its place as it moves, and joins when admitted.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class LineTests : ClientTestContext
{
    public LineTests()
    {
        Server.OnJson("GET", "/api/worlds/w1/saves", Array.Empty<SaveInfo>());
    }

    [Fact]
    public void A_full_server_shows_the_place_in_line_as_it_moves_and_the_page_joins_when_admitted()
    {
        var full = true;
        Hub.Join = _ => full ? throw new WorldJoinException("The server is full: 2 already wait in line. Take a place in line with WaitInLine.") : FakeWorldConnection.World(WorldRoles.Owner);
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));

        Hub.Place(new LinePlace(3, null, false));
        page.WaitForAssertion(() => Assert.Contains("you are number 3 in line (no estimate yet)", page.Find("[data-line]").TextContent));
        Hub.Place(new LinePlace(1, 12, false));
        page.WaitForAssertion(() => Assert.Contains("you are number 1 in line (about 12 s)", page.Find("[data-line]").TextContent));

        full = false;
        Hub.Place(new LinePlace(0, 0, true));
        page.WaitForAssertion(() => Assert.Equal("owner", page.Find(".badge.role").TextContent));
        Assert.Empty(page.FindAll("[data-line]"));
        Assert.Equal(["w1", "w1"], Hub.Joined);
        Assert.False(Hub.LeftLine);
    }

    [Fact]
    public async Task Leaving_the_page_while_in_line_leaves_the_line()
    {
        Hub.Join = _ => throw new WorldJoinException("The server is full: no node has a place for another world now. Take a place in line with WaitInLine.");
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));
        Hub.Place(new LinePlace(2, 30, false));
        page.WaitForElement("[data-line]");

        await DisposeComponentsAsync();

        // The page cancels its wait; the line's enumerator ends on the thread pool a moment after.
        for (var waited = 0; !Hub.LeftLine && waited < 5_000; waited += 10)
        {
            await Task.Delay(10);
        }
        Assert.True(Hub.LeftLine);
    }

    [Fact]
    public void A_refusal_that_is_not_for_want_of_a_place_is_shown_without_a_line()
    {
        Hub.Join = _ => throw new WorldJoinException("There is no world 'w1' that you can see.");
        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));

        page.WaitForAssertion(() => Assert.Contains("There is no world 'w1' that you can see.", page.Markup));
        Assert.Empty(page.FindAll("[data-line]"));
        Assert.False(Hub.LeftLine);
    }
}
