using System.Net;
using Bunit;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class WhoMayPlayTests : ClientTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T10:00:00Z");

    private void WorldIs(bool isPublic, bool publicPlay) =>
        Server.OnJson("GET", "/api/worlds/w1", new WorldDetails("w1", "Mine", "default", 1, 0, WorldRoles.Owner, isPublic, true, 0, 20, 20,
            null, Now, Now, PublicPlay: publicPlay));

    [Fact]
    public void APrivateWorld_OffersPublic_AndPlayOnlyOnceItIsPublic()
    {
        WorldIs(isPublic: false, publicPlay: false);
        Server.OnJson("PATCH", "/api/worlds/w1", new WorldSettings("Mine", true, false));

        var panel = Render<WhoMayPlay>(p => p.Add(x => x.WorldId, "w1"));

        panel.WaitForAssertion(() => Assert.False(panel.Find("#world-public-setting").HasAttribute("checked")));
        Assert.True(panel.Find("#world-public-play-setting").HasAttribute("disabled"));

        panel.Find("#world-public-setting").Change(true);

        panel.WaitForAssertion(() => Assert.True(panel.Find("#world-public-setting").HasAttribute("checked")));
        Assert.False(panel.Find("#world-public-play-setting").HasAttribute("disabled"));
        RecordedRequest sent = Assert.Single(Server.Sent("PATCH", "/api/worlds/w1"));
        Assert.True(sent.Json.GetProperty("isPublic").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, sent.Json.GetProperty("publicPlay").ValueKind);
    }

    [Fact]
    public void ARefusedChange_SaysWhy_AndTheBoxShowsWhatTheServerHolds()
    {
        WorldIs(isPublic: true, publicPlay: false);
        Server.On("PATCH", "/api/worlds/w1", _ => FakeServerApi.Problem(HttpStatusCode.ServiceUnavailable, "Unavailable", "The database is not answering."));

        var panel = Render<WhoMayPlay>(p => p.Add(x => x.WorldId, "w1"));
        panel.WaitForElement("#world-public-play-setting");

        panel.Find("#world-public-play-setting").Change(true);

        panel.WaitForAssertion(() => Assert.Contains("Not changed", panel.Find("[role=alert]").TextContent));
        Assert.Contains("not answering", panel.Find("[role=alert]").TextContent);
        Assert.False(panel.Find("#world-public-play-setting").HasAttribute("checked"));
    }
}
