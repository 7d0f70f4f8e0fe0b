using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class MetricsEndpointTests(WorldWebFactory factory)
{
    [Fact]
    public async Task MetricsPort_ServesTheScrapeOnThatPortOnly()
    {
        using var bound = factory.WithWebHostBuilder(b => b.UseSetting("Metrics:Port", "9464"));
        HttpClient http = bound.CreateClient();

        HttpResponseMessage onThePublicPort = await http.GetAsync("/metrics");
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "http://localhost:9464/metrics");
        HttpResponseMessage onTheMetricsPort = await http.SendAsync(scrape);

        Assert.Equal(HttpStatusCode.NotFound, onThePublicPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onTheMetricsPort.StatusCode);
        Assert.Contains("worldweb_", await onTheMetricsPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsPort_OutOfRange_StopsTheServerAtStart()
    {
        using var bad = factory.WithWebHostBuilder(b => b.UseSetting("Metrics:Port", "70000"));
        var ex = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains("Port", ex.ToString(), StringComparison.Ordinal);
    }
}
