using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Tests.Server;

/// <summary>A <c>cluster_nodes</c> row is believed only when it holds together; one that does not is left out, and the rest go on.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class NodeReportRowTests
{
    private static NodeInfo Report(string address = "10.0.0.1:11111@1", string url = "http://10.0.0.1:5080", int worlds = 1) =>
        new(address, url, "Active", false, "Cpu", worlds, 0, 20, [new NodeModelInfo("default", 12, worlds, 40)], ["w1"], DateTimeOffset.UtcNow);

    private static ClusterNodeRecord Row(string address, string report) =>
        new() { ClusterId = "c", Address = address, Url = "", Report = report, UpdatedAt = DateTimeOffset.UtcNow };

    private static string Json(NodeInfo report) => JsonSerializer.Serialize(report, JsonSerializerOptions.Web);

    [Fact]
    public void ARowThatHoldsTogether_IsBelieved()
    {
        NodeInfo? parsed = NodeReportRow.Parse(Row("10.0.0.1:11111@1", Json(Report())), out string? why);

        Assert.Null(why);
        Assert.Equal(("10.0.0.1:11111@1", "http://10.0.0.1:5080", 1), (parsed?.Address, parsed?.Url, parsed?.Worlds));
    }

    [Theory]
    [InlineData("another node")]
    [InlineData("not an absolute http(s) URL")]
    [InlineData("impossible number")]
    [InlineData("not a node report")]
    public void ARowThatDoesNot_IsLeftOut_SayingWhy(string expected)
    {
        string report = expected switch
        {
            "another node" => Json(Report(address: "10.0.0.2:11111@1")),
            "not an absolute http(s) URL" => Json(Report(url: "javascript:alert(1)")),
            "impossible number" => Json(Report(worlds: -3)),
            _ => "{\"address\": [1, 2]}",
        };

        Assert.Null(NodeReportRow.Parse(Row("10.0.0.1:11111@1", report), out string? why));
        Assert.Contains(expected, why, StringComparison.Ordinal);
    }

    [Fact]
    public void ARowWhoseNodeKeepsNoWorldLive_IsLeftOut()
    {
        // Believed, it would keep placement (and the line for a place) away from the node for good.
        Assert.Null(NodeReportRow.Parse(Row("10.0.0.1:11111@1", Json(Report() with { MaxWorlds = 0 })), out string? why));
        Assert.Contains("impossible number", why, StringComparison.Ordinal);
    }
}

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class CraftedNodeRowTests(WorldWebFactory factory)
{
    [Fact]
    public async Task ARowClaimingThisNodesAddress_IsLeftOut_AndThisNodeStillReportsAndPlaces()
    {
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        string self = factory.Services.GetRequiredService<LocalNode>().Address;
        string clusterId = factory.Services.GetRequiredService<IOptions<NodeOptions>>().Value.Id;
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        string impostor = $"impostor-{Guid.NewGuid():N}";
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync())
        {
            // Its report names this node: read into one dictionary by the report's address, it broke every round.
            NodeInfo claim = new(self, "http://evil.example", "Active", false, "Cpu", 0, 0, 0, [], [], DateTimeOffset.UtcNow);
            db.ClusterNodes.Add(new ClusterNodeRecord
            {
                ClusterId = clusterId, Address = impostor, Url = "", Report = JsonSerializer.Serialize(claim, JsonSerializerOptions.Web), UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        try
        {
            // Two rounds of NodeReports (every 2 s) later the worker is still clean and the node lists itself, not the impostor.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            DateTimeOffset since = DateTimeOffset.UtcNow;
            NodeInfo[] nodes;
            do
            {
                await Task.Delay(250, timeout.Token);
                nodes = (await admin.Http.GetFromJsonAsync<NodeInfo[]>("/api/admin/nodes", timeout.Token))!;
            }
            while (DateTimeOffset.UtcNow - since < TimeSpan.FromSeconds(5));

            Assert.DoesNotContain(nodes, n => n.Url.Contains("evil", StringComparison.Ordinal));
            Assert.Contains(nodes, n => n.Address == self);
            Assert.Equal("Healthy", await admin.Http.GetStringAsync("/healthz"));
        }
        finally
        {
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
            await db.ClusterNodes.Where(n => n.Address == impostor).ExecuteDeleteAsync();
        }
    }
}
