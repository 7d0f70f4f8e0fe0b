using System.Net;
using Bunit;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Sharing;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class ShareDialogTests : ClientTestContext
{
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddDays(-2);
    private static readonly DateTimeOffset Tomorrow = DateTimeOffset.UtcNow.AddDays(1);

    public ShareDialogTests()
    {
        Server.OnJson("GET", "/api/worlds/w1/links", new[]
        {
            new ShareLinkSummary("l1", WorldRoles.Viewer, Earlier, Tomorrow, Revoked: false),
            new ShareLinkSummary("l2", WorldRoles.Player, Earlier.AddMinutes(1), null, Revoked: false),
            new ShareLinkSummary("l0", WorldRoles.Player, Earlier, null, Revoked: true),
            new ShareLinkSummary("lx", WorldRoles.Viewer, Earlier, Earlier.AddHours(1), Revoked: false),
        });
    }

    [Fact]
    public void Opening_ListsTheWorldsActiveLinks()
    {
        var dialog = Render<ShareDialog>(p => p.Add(x => x.WorldId, "w1"));

        dialog.Find("#share-open").Click();

        dialog.WaitForAssertion(() => Assert.Equal(2, dialog.FindAll(".link-list li").Count));
        Assert.Contains("never expires", dialog.Find("[data-link=l2]").TextContent);
        Assert.Contains("expires", dialog.Find("[data-link=l1]").TextContent);
    }

    [Fact]
    public void Revoke_DeletesTheLinkAndDropsItFromTheList()
    {
        Server.On("DELETE", "/api/worlds/w1/links/l1", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var dialog = Render<ShareDialog>(p => p.Add(x => x.WorldId, "w1"));
        dialog.Find("#share-open").Click();
        dialog.WaitForElement("[data-link=l1]");

        dialog.Find("[data-link=l1] button").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-link=l1]")));
        Assert.Single(Server.Sent("DELETE", "/api/worlds/w1/links/l1"));
        Assert.Single(dialog.FindAll("[data-link=l2]"));
    }

    [Fact]
    public void Revoke_RefusedByTheServer_KeepsTheLinkAndSaysWhy()
    {
        Server.On("DELETE", "/api/worlds/w1/links/l1", _ => FakeServerApi.Problem(HttpStatusCode.Forbidden, "Forbidden", "Only the owner can revoke links."));
        var dialog = Render<ShareDialog>(p => p.Add(x => x.WorldId, "w1"));
        dialog.Find("#share-open").Click();
        dialog.WaitForElement("[data-link=l1]");

        dialog.Find("[data-link=l1] button").Click();

        dialog.WaitForAssertion(() => Assert.Equal("Only the owner can revoke links.", dialog.Find("[role=alert]").TextContent));
        Assert.Single(dialog.FindAll("[data-link=l1]"));
    }

    [Fact]
    public void Create_PostsRoleAndExpiryAndShowsTheFullAddress()
    {
        Server.OnJson("POST", "/api/worlds/w1/links",
            new ShareLinkInfo("l3", "tok3", "/w/tok3", WorldRoles.Player, null), HttpStatusCode.Created);
        var dialog = Render<ShareDialog>(p => p.Add(x => x.WorldId, "w1"));
        dialog.Find("#share-open").Click();
        dialog.WaitForElement("form");

        dialog.Find("#link-role").Change(WorldRoles.Player);
        dialog.Find("#link-expiry").Change("0");
        dialog.Find("form").Submit();

        dialog.WaitForAssertion(() => Assert.Equal("http://localhost/w/tok3", dialog.Find("#link-url").GetAttribute("value")));
        var body = Assert.Single(Server.Sent("POST", "/api/worlds/w1/links")).Json;
        Assert.Equal("player", body.GetProperty("role").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("expiresInHours").ValueKind);
        Assert.Equal(3, dialog.FindAll(".link-list li").Count);
    }
}
