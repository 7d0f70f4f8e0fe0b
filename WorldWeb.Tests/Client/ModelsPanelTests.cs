using System.Net;
using Bunit;
using WorldWeb.Client.Admin;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class ModelsPanelTests : ClientTestContext
{
    private static readonly ModelInfo Default = new("default", "2", "", 64, 64, 20, 4, 8, [], true);
    private static readonly ModelInfo Maze = new("maze", "1", "", 64, 64, 20, 4, 2, [], false);

    [Fact]
    public void ListsTheModels_WithUnloadDisabledForTheDefault()
    {
        Server.OnJson("GET", "/api/models", new[] { Default, Maze });

        var panel = Render<ModelsPanel>();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("li.model").Count));
        Assert.True(panel.Find("li[data-model=default] button.unload").HasAttribute("disabled"));
        Assert.False(panel.Find("li[data-model=maze] button.unload").HasAttribute("disabled"));
    }

    [Fact]
    public void Load_PostsTheFolder_ShowsTheNewModel_AndTellsThePage()
    {
        var lists = new Queue<ModelInfo[]>([[Default], [Default, Maze]]);
        Server.On("GET", "/api/models", _ => FakeServerApi.JsonAnswer(lists.Count > 1 ? lists.Dequeue() : lists.Peek()));
        Server.OnJson("POST", "/api/admin/models", Maze, HttpStatusCode.Created);
        int changed = 0;
        var panel = Render<ModelsPanel>(p => p.Add(x => x.Changed, () => changed++));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("li.model")));

        panel.Find("input.folder").Change("maze");
        panel.Find("form.model-load").Submit();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("li.model").Count));
        Assert.Equal("maze", Assert.Single(Server.Sent("POST", "/api/admin/models")).Json.GetProperty("folder").GetString());
        Assert.Equal(1, changed);
    }

    [Fact]
    public void Load_Refused_ShowsTheProblemDetail()
    {
        Server.OnJson("GET", "/api/models", new[] { Default });
        Server.On("POST", "/api/admin/models", _ => FakeServerApi.Problem(HttpStatusCode.BadRequest, "Cannot load this folder",
            "'/etc' is not a folder under the model root /srv/models"));
        var panel = Render<ModelsPanel>();
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("li.model")));

        panel.Find("input.folder").Change("/etc");
        panel.Find("form.model-load").Submit();

        panel.WaitForAssertion(() => Assert.Equal("'/etc' is not a folder under the model root /srv/models", panel.Find("[role=alert]").TextContent.Trim()));
    }

    [Fact]
    public void Unload_CallsTheApi_AndRefusalShowsWhy()
    {
        Server.OnJson("GET", "/api/models", new[] { Default, Maze });
        Server.On("DELETE", "/api/admin/models/maze", _ => FakeServerApi.Problem(HttpStatusCode.Conflict, "Model in use",
            "1 live world(s) use 'maze'. Stop them (Live sessions, Stop) and unload again."));
        var panel = Render<ModelsPanel>();
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("li.model").Count));

        panel.Find("li[data-model=maze] button.unload").Click();

        panel.WaitForAssertion(() => Assert.StartsWith("1 live world(s) use 'maze'.", panel.Find("[role=alert]").TextContent.Trim()));
        Assert.Single(Server.Sent("DELETE", "/api/admin/models/maze"));
    }

    [Fact]
    public void Unload_Succeeds_TheModelLeavesTheList()
    {
        var lists = new Queue<ModelInfo[]>([[Default, Maze], [Default]]);
        Server.On("GET", "/api/models", _ => FakeServerApi.JsonAnswer(lists.Count > 1 ? lists.Dequeue() : lists.Peek()));
        Server.On("DELETE", "/api/admin/models/maze", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var panel = Render<ModelsPanel>();
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("li.model").Count));

        panel.Find("li[data-model=maze] button.unload").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("li.model")));
        Assert.Empty(panel.FindAll("[role=alert]"));
    }
}
