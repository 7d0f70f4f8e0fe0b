using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class MetricsEndpointTests(WorldWebFactory factory)
{
    /// <summary>A real server listening on two ports: the scrape answers on the metrics port only, whatever Host the client names.</summary>
    [Fact]
    public async Task MetricsPort_ServesTheScrapeOnThatPortOnly_WhateverTheHostHeaderSays()
    {
        (int port, int metricsPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        var settings = new Dictionary<string, string>
        {
            ["Metrics__Port"] = $"{metricsPort}",
            ["Kestrel__Endpoints__Public__Url"] = $"http://127.0.0.1:{port}",
            ["Kestrel__Endpoints__Metrics__Url"] = $"http://127.0.0.1:{metricsPort}",
        };
        await using ServerProcess server = await ServerProcess.StartAsync(port, settings: settings);
        using var http = new HttpClient();

        using var claimingTheMetricsPort = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics");
        claimingTheMetricsPort.Headers.Host = $"x:{metricsPort}";
        HttpResponseMessage onThePublicPort = await http.SendAsync(claimingTheMetricsPort);
        HttpResponseMessage onTheMetricsPort = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");

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
