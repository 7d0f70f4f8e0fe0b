using Bunit;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class CoherenceStatsTests : ClientTestContext
{
    private static WorldDetails Details(WorldCoherenceInfo? coherence, bool memory = true) => new(
        "w1", "Test world", "default", 7, 120, WorldRoles.Owner, false, true, 1, 20, 19.8, null,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, memory, coherence);

    [Fact]
    public void PlayPage_ShowsTheWorldsMemoryAndRevisitScore()
    {
        Server.OnJson("GET", "/api/worlds/w1/saves", Array.Empty<SaveInfo>());
        Server.OnJson("GET", "/api/worlds/w1", Details(new(12, 11_000, 3, 18.44, 17.96, 0)));
        Hub.Join = _ => FakeWorldConnection.World(WorldRoles.Owner);

        var page = Render<PlayPage>(p => p.Add(x => x.Id, "w1"));

        page.WaitForAssertion(() => Assert.Equal("12 entries", page.Find("[data-stat=memory]").TextContent));
        Assert.Equal("3", page.Find("[data-stat=revisits]").TextContent);
        Assert.Equal("18.4 dB last 18.0 dB", page.Find("[data-stat=revisit-psnr]").TextContent.Trim());
        // The frame stats stay where they were; the coherence is a second, small list below them.
        Assert.Equal(2, page.FindAll("aside.play-side dl.stats").Count);
    }

    [Fact]
    public void Numbers_RefreshFromTheServer()
    {
        var answers = new Queue<WorldDetails>([Details(new(1, 900, 0, null, null, 0)), Details(new(4, 3_600, 2, 21.5, 20.25, 1))]);
        Server.On("GET", "/api/worlds/w1", _ => FakeServerApi.JsonAnswer(answers.Count > 1 ? answers.Dequeue() : answers.Peek()));

        var stats = Render<CoherenceStats>(p => p.Add(x => x.WorldId, "w1").Add(x => x.Every, TimeSpan.FromMilliseconds(50)));

        stats.WaitForAssertion(() => Assert.Equal("2", stats.Find("[data-stat=revisits]").TextContent));
        Assert.Equal("4 entries", stats.Find("[data-stat=memory]").TextContent);
        Assert.Equal("last 20.3 dB", stats.Find("[data-stat=revisit-last]").TextContent);
        Assert.True(Server.Sent("GET", "/api/worlds/w1").Count() >= 2);
    }

    [Fact]
    public void BeforeTheFirstRevisit_ShowsADash()
    {
        Server.OnJson("GET", "/api/worlds/w1", Details(new(2, 1_800, 0, null, null, 0)));

        var stats = Render<CoherenceStats>(p => p.Add(x => x.WorldId, "w1"));

        stats.WaitForAssertion(() => Assert.Equal("0", stats.Find("[data-stat=revisits]").TextContent));
        Assert.Equal("– last –", stats.Find("[data-stat=revisit-psnr]").TextContent.Trim());
    }

    [Fact]
    public void WorldWithoutMemory_SaysMemoryIsOff()
    {
        Server.OnJson("GET", "/api/worlds/w1", Details(new(0, 0, 0, null, null, 0), memory: false));

        var stats = Render<CoherenceStats>(p => p.Add(x => x.WorldId, "w1"));

        stats.WaitForAssertion(() => Assert.Equal("off", stats.Find("[data-stat=memory]").TextContent));
        Assert.Empty(stats.FindAll("[data-stat=revisits]"));
    }

    [Fact]
    public async Task DetailsNotReadable_ShowsNothingAndNoError_AndAsksOnce()
    {
        // A player or viewer who came by link to a private world may not read its details (404).
        var stats = Render<CoherenceStats>(p => p.Add(x => x.WorldId, "w1").Add(x => x.Every, TimeSpan.FromMilliseconds(50)));

        stats.WaitForAssertion(() => Assert.Single(Server.Sent("GET", "/api/worlds/w1")));
        await Task.Delay(500);  // deliberately: ten of its 50 ms periods pass without another ask
        Assert.Single(Server.Sent("GET", "/api/worlds/w1"));
        Assert.Empty(stats.FindAll("dl"));
        Assert.Empty(stats.FindAll("[role=alert]"));
    }
}
