using System.Net;
using Bunit;
using WorldWeb.Client.Clips;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class ClipsPanelTests : ClientTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly List<ClipInfo> clips = [];
    private long step = 700;

    public ClipsPanelTests()
    {
        Server.On("GET", "/api/clips", _ => FakeServerApi.JsonAnswer(clips.ToArray()));
        Server.On("POST", "/api/clips", request =>
        {
            var clip = Clip($"c{clips.Count + 1}", request.Json.GetProperty("fromStep").GetInt64(), request.Json.GetProperty("toStep").GetInt64(), ClipStatuses.Queued);
            clips.Insert(0, clip);
            return FakeServerApi.JsonAnswer(clip, HttpStatusCode.Accepted);
        });
    }

    [Fact]
    public void Record_ShowsThatItRecords_AndStopAsksForTheStepsRecorded()
    {
        var panel = Panel();
        Assert.Empty(panel.FindAll("[data-recording]"));

        panel.Find("[data-action=record]").Click();
        Assert.Contains("Recording from step 700", panel.Find("[data-recording]").TextContent);
        Assert.Equal("Stop recording", panel.Find("[data-action=record]").TextContent.Trim());
        step = 760;
        panel.WaitForAssertion(() => Assert.Contains("0:03", panel.Find("[data-recording]").TextContent));
        panel.Find("[data-action=record]").Click();

        panel.WaitForAssertion(() => Assert.Single(Server.Sent("POST", "/api/clips")));  // sent as the click's handler goes on
        var asked = Server.Sent("POST", "/api/clips").Single().Json;
        Assert.Equal(("w1", 700, 760), (asked.GetProperty("world").GetString(), asked.GetProperty("fromStep").GetInt64(), asked.GetProperty("toStep").GetInt64()));
        Assert.Empty(panel.FindAll("[data-recording]"));
        panel.WaitForAssertion(() => Assert.Contains("Steps 700–760", panel.Find(".clip-list li").TextContent));
    }

    [Theory]
    [InlineData(WorldRoles.Owner, 0, 101)]
    [InlineData(WorldRoles.Viewer, 650, 650)]
    public void ClipTheLast30s_AsksForTheLast600Steps_NoEarlierThanAViewerJoined(string role, long joined, long expectedFrom)
    {
        var panel = Panel(role, joined);

        panel.Find("[data-action=clip-last]").Click();

        panel.WaitForAssertion(() => Assert.Single(Server.Sent("POST", "/api/clips")));
        var asked = Server.Sent("POST", "/api/clips").Single().Json;
        Assert.Equal((expectedFrom, 700), (asked.GetProperty("fromStep").GetInt64(), asked.GetProperty("toStep").GetInt64()));
    }

    [Fact]
    public void AClipRendering_ShowsItsProgress_ThenItsVideo()
    {
        clips.Add(Clip("c1", 10, 40, ClipStatuses.Rendering, percent: 40));
        var panel = Panel();
        panel.WaitForAssertion(() => Assert.Equal("40%", panel.Find("[data-clip=c1] [data-percent]").TextContent));

        clips[0] = Clip("c1", 10, 40, ClipStatuses.Ready, percent: 100);

        panel.WaitForAssertion(() => Assert.Equal("/api/clips/c1/video.mp4", panel.Find("[data-clip=c1] a[download]").GetAttribute("href")));
        Assert.Equal("clips/c1", panel.Find("[data-clip=c1] a").GetAttribute("href"));
    }

    [Fact]
    public void ARefusedClip_SaysWhy()
    {
        Server.On("POST", "/api/clips", _ => FakeServerApi.Problem(HttpStatusCode.Forbidden, "Before you joined",
            "You joined this world at step 650: you may clip its steps from 650 on, the ones you could watch."));
        var panel = Panel();
        panel.Find("#clip-from").Change("600");
        panel.Find("#clip-to").Change("700");

        panel.Find("form.clip-range").Submit();

        panel.WaitForAssertion(() => Assert.Contains("You joined this world at step 650", panel.Find("[role=alert]").TextContent));
    }

    [Fact]
    public void ClipPage_ShowsProgress_ThenTheVideoAndItsDownloads()
    {
        var clip = Clip("c1", 10, 40, ClipStatuses.Rendering, percent: 55);
        Server.On("GET", "/api/clips/c1", _ => FakeServerApi.JsonAnswer(clip));
        var page = Render<ClipPage>(p => p.Add(x => x.Id, "c1").Add(x => x.Every, TimeSpan.FromMilliseconds(50)));
        page.WaitForAssertion(() => Assert.Contains("Rendering… 55%", page.Find("[data-status]").TextContent));

        clip = Clip("c1", 10, 40, ClipStatuses.Ready, percent: 100);

        page.WaitForAssertion(() => Assert.Equal("/api/clips/c1/video.mp4", page.Find("video").GetAttribute("src")));
        Assert.Contains(page.FindAll("a[download]"), a => a.GetAttribute("href") == "/api/clips/c1/events.jsonl");
        Assert.NotEmpty(page.FindAll("[data-action=delete-clip]"));
    }

    private IRenderedComponent<ClipsPanel> Panel(string role = WorldRoles.Owner, long joined = 0) => Render<ClipsPanel>(p => p
        .Add(x => x.WorldRef, "w1").Add(x => x.WorldId, "w1").Add(x => x.Role, role).Add(x => x.Fps, 20.0).Add(x => x.JoinStep, joined)
        .Add(x => x.CurrentStep, () => step).Add(x => x.Every, TimeSpan.FromMilliseconds(50)));

    private static ClipInfo Clip(string id, long from, long to, string status, int percent = 0)
    {
        bool ready = status == ClipStatuses.Ready;
        return new ClipInfo(id, "w1", "Test world", from, to, 20, status, percent, null, ready ? 100_000 : 0, Now, Now.AddDays(7), true,
            $"/clips/{id}", ready ? $"/api/clips/{id}/video.mp4" : null, ready ? $"/api/clips/{id}/events.jsonl" : null);
    }
}
