using System.Net;
using Bunit;
using WorldWeb.Client.Admin;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class NodesPanelTests : ClientTestContext
{
    private static NodeInfo Node(string url, string status, bool draining, int worlds) =>
        new($"{url}-silo", url, status, draining, "Cpu", worlds, 2 * worlds, 20, [new NodeModelInfo("default", 12, worlds, 41.5)], [], DateTimeOffset.UtcNow);

    [Fact]
    public void ListsTheNodes_WithTheirLoad_AndDrainForActiveOnes()
    {
        Server.OnJson("GET", "/api/admin/nodes", new[] { Node("http://a", "Active", false, 3), Node("http://b", "Dead", false, 0) });

        var panel = Render<NodesPanel>();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("tr.node").Count));
        Assert.Contains("default: 3 / 12, 41.5 ms", panel.FindAll("tr.node")[0].TextContent);
        Assert.Single(panel.FindAll("button.drain"));  // a dead node cannot drain
    }

    [Fact]
    public void ShowsWhatThePlayPagesOfEachNodeMeasured_OrADashWithoutReports()
    {
        Server.OnJson("GET", "/api/admin/nodes", new[]
        {
            Node("http://a", "Active", false, 3) with { Players = new ClientPlayInfo(12, 45, 80, 20.1) },
            Node("http://b", "Active", false, 1),
        });

        var panel = Render<NodesPanel>();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("td.players").Count));
        Assert.Equal("45 ms, p99 80 ms · 20.1 fps (12 reports)", panel.FindAll("td.players")[0].TextContent);
        Assert.Equal("–", panel.FindAll("td.players")[1].TextContent);
    }

    [Fact]
    public void Drain_PostsTheNodesAddress_ShowsItDraining_AndTellsThePage()
    {
        var lists = new Queue<NodeInfo[]>([[Node("http://a", "Active", false, 3)], [Node("http://a", "Active", true, 3)]]);
        Server.On("GET", "/api/admin/nodes", _ => FakeServerApi.JsonAnswer(lists.Count > 1 ? lists.Dequeue() : lists.Peek()));
        Server.On("POST", "/api/admin/nodes/drain", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        int changed = 0;
        var panel = Render<NodesPanel>(p => p.Add(x => x.Changed, () => changed++));
        panel.WaitForAssertion(() => Assert.Equal("Drain", panel.Find("button.drain").TextContent));

        panel.Find("button.drain").Click();

        panel.WaitForAssertion(() => Assert.Equal("Undrain", panel.Find("button.drain").TextContent));
        var sent = Assert.Single(Server.Sent("POST", "/api/admin/nodes/drain")).Json;
        Assert.Equal("http://a-silo", sent.GetProperty("address").GetString());
        Assert.True(sent.GetProperty("drain").GetBoolean());
        Assert.Contains("draining", panel.Find("tr.node").TextContent);
        Assert.Equal(1, changed);
    }
}
