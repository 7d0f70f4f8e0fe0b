using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class SavesPanelTests : ClientTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly List<SaveInfo> saves = [new("s1", "start", 10, 2048, Now.AddMinutes(-5))];

    public SavesPanelTests()
    {
        Server.On("GET", "/api/worlds/w1/saves", _ => FakeServerApi.JsonAnswer(saves.ToArray()));
    }

    [Fact]
    public void Save_PostsTheNameAndListsTheNewSave()
    {
        Server.On("POST", "/api/worlds/w1/saves", request =>
        {
            var save = new SaveInfo("s2", request.Json.GetProperty("name").GetString()!, 55, 3000, Now);
            saves.Add(save);
            return FakeServerApi.JsonAnswer(save, HttpStatusCode.Created);
        });
        var panel = Render<SavesPanel>(p => p.Add(x => x.WorldId, "w1"));
        panel.WaitForElement(".save-list");

        panel.Find("#save-name").Change("by the tower");
        panel.Find("form").Submit();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll(".save-list li").Count));
        Assert.Contains("Saved “by the tower” at step 55.", panel.Find("[role=status]").TextContent);
        Assert.Contains("step 55", panel.Find(".save-list li").TextContent);
    }

    [Fact]
    public void Delete_AsksFirst_ThenDeletesTheSaveAndListsTheRest()
    {
        Server.On("DELETE", "/api/worlds/w1/saves/s1", _ =>
        {
            saves.Clear();
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        });
        var panel = Render<SavesPanel>(p => p.Add(x => x.WorldId, "w1"));
        panel.WaitForElement(".save-list");

        panel.Find("[data-action=delete]").Click();
        Assert.Empty(Server.Sent("DELETE", "/api/worlds/w1/saves/s1"));
        panel.Find("[data-action=confirm-delete]").Click();

        panel.WaitForAssertion(() => Assert.Contains("Deleted “start”.", panel.Find("[role=status]").TextContent));
        Assert.Single(Server.Sent("DELETE", "/api/worlds/w1/saves/s1"));
        Assert.Empty(panel.FindAll(".save-list li"));
    }

    [Fact]
    public void Load_ForksFromTheSaveAndOpensTheNewWorld()
    {
        Server.OnJson("POST", "/api/worlds/w1/fork", new CreatedWorld("w2", "/worlds/w2"), HttpStatusCode.Created);
        var panel = Render<SavesPanel>(p => p.Add(x => x.WorldId, "w1"));
        panel.WaitForElement(".save-list");

        panel.Find(".save-list button").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        panel.WaitForAssertion(() => Assert.EndsWith("/worlds/w2", navigation.Uri));
        Assert.Equal("s1", Assert.Single(Server.Sent("POST", "/api/worlds/w1/fork")).Json.GetProperty("saveId").GetString());
    }

    [Fact]
    public void Save_WithoutAName_IsNamedAfterTheMoment()
    {
        Server.On("POST", "/api/worlds/w1/saves", request =>
            FakeServerApi.JsonAnswer(new SaveInfo("s2", request.Json.GetProperty("name").GetString()!, 5, 100, Now), HttpStatusCode.Created));
        var panel = Render<SavesPanel>(p => p.Add(x => x.WorldId, "w1"));
        panel.WaitForElement(".save-list");

        panel.Find("form").Submit();

        panel.WaitForAssertion(() => Assert.Single(Server.Sent("POST", "/api/worlds/w1/saves")));
        Assert.StartsWith("Save of ", Server.Sent("POST", "/api/worlds/w1/saves").Single().Json.GetProperty("name").GetString());
    }
}
