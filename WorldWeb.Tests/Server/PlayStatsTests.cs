using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Tests.Server;

/// <summary>Play pages report what they measured; the node counts it in /metrics and in the admin's nodes view.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class PlayStatsTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Reports_ShowInMetricsAndTheNodesView_OnePerVisitorEveryFiveSeconds()
    {
        TestUser first = await TestUser.CreateAsync(factory), second = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.NoContent, (await first.Http.PostAsJsonAsync("/api/play/stats", new PlayStatsReport(40, 90, 30, 20.0, 12))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await second.Http.PostAsJsonAsync("/api/play/stats", new PlayStatsReport(60, 3_500, 25, 19.0, 30))).StatusCode);
        HttpResponseMessage again = await first.Http.PostAsJsonAsync("/api/play/stats", new PlayStatsReport(1, 1, 1, 1, 1));

        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Contains("once every 5 s", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        string self = factory.Services.GetRequiredService<LocalNode>().Address;
        ClientPlayInfo players = (await admin.Http.GetFromJsonAsync<NodeInfo[]>("/api/admin/nodes"))!.Single(n => n.Address == self).Players!;
        Assert.True(players.Reports >= 2, $"{players.Reports} reports");
        Assert.True(players.LatencyP99Ms >= 3_500, $"worst p99 {players.LatencyP99Ms}");  // the worst page is what an operator must see
        Assert.NotNull(players.LatencyP50Ms);
        // /metrics is the browser test's to read, from a server process of its own: the other hosts of this test process
        // (WithWebHostBuilder) register the same instruments, and the exporter shows the first one's.
    }

    [Theory]
    [InlineData("""{"latencyP50Ms":90,"latencyP99Ms":40,"latencySamples":3,"fps":20,"pacingMs":5}""", "latencyP99Ms")]
    [InlineData("""{"latencyP50Ms":-1,"latencyP99Ms":40,"latencySamples":3,"fps":20,"pacingMs":5}""", "latencyP50Ms")]
    [InlineData("""{"latencyP50Ms":10,"latencyP99Ms":40,"latencySamples":3,"fps":5000,"pacingMs":5}""", "fps")]
    [InlineData("""{"latencyP50Ms":10,"latencyP99Ms":null,"latencySamples":3,"fps":20,"pacingMs":5}""", "latencyP99Ms")]
    [InlineData("""{"latencyP50Ms":null,"latencyP99Ms":null,"latencySamples":0,"fps":null,"pacingMs":null}""", "body")]
    [InlineData("""{"latencyP50Ms":10,"latencyP99Ms":40,"latencySamples":3,"fps":20,"pacingMs":1e9}""", "pacingMs")]
    public async Task ABadReport_Is400_NamingTheField(string body, string field)
    {
        TestUser visitor = await TestUser.CreateAsync(factory);

        HttpResponseMessage response = await visitor.Http.PostAsync("/api/play/stats", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }
}
