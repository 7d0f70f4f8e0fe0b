using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>Nodes talk over mutual TLS and let in only a node that holds the cluster's certificate.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ClusterTlsTests(WorldWebFactory factory, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANodeWithAnotherCertificate_CannotJoinTheCluster_NorReachItsWorlds()
    {
        string password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        var settings = new Dictionary<string, string>
        {
            ["Cluster__Id"] = $"cluster-{Guid.NewGuid():N}",
            ["Admin__Email"] = $"admin-{Guid.NewGuid():N}@worldweb.test",
            ["Admin__Password"] = password,
        };
        await using ServerProcess member = await ServerProcess.StartAsync(settings: settings);
        string stranger = Path.Combine(Path.GetTempPath(), $"worldweb-stranger-{Guid.NewGuid():N}.pfx");
        var strangerSettings = new Dictionary<string, string>(settings) { ["Cluster__CertificatePath"] = stranger };
        ServerProcess? intruder = null;
        try
        {
            var cookies = new CookieContainer();
            using HttpClient http = member.Client(cookies);
            string world = await ServerProcess.CreateWorldAsync(http, seed: 61, "tls test");
            await ServerProcess.FrameAsync(http, world);

            // The node with another certificate cannot complete a TLS handshake with the member: it never joins.
            Task<ServerProcess> starting = ServerProcess.StartAsync(settings: strangerSettings);
            Task settled = await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(20)));
            if (settled == starting && starting.IsCompletedSuccessfully)
            {
                intruder = await starting;
            }
            output.WriteLine($"the stranger {(intruder is null ? "did not start" : "started")} within 20 s");

            using HttpClient admin = member.Client(new CookieContainer());
            (await admin.PostAsJsonAsync("/api/account/signin", new { email = settings["Admin__Email"], password })).EnsureSuccessStatusCode();
            NodeInfo[] nodes = (await admin.GetFromJsonAsync<NodeInfo[]>("/api/admin/nodes"))!;
            output.WriteLine(string.Join("\n", nodes.Select(n => $"{n.Url} {n.Status}")));
            Assert.Single(nodes, n => n.Status == "Active");
            Assert.Equal(member.Address.ToString().TrimEnd('/'), nodes.Single(n => n.Status == "Active").Url.TrimEnd('/'));
            // The member serves its world all along.
            await ServerProcess.FrameAsync(http, world);
            if (intruder is not null)
            {
                // Started (it may, as a cluster of its own making): it still cannot reach the member's world.
                using HttpClient viaIntruder = intruder.Client(cookies);
                Assert.False((await viaIntruder.GetAsync($"/api/worlds/{world}/frame")).IsSuccessStatusCode);
            }
        }
        finally
        {
            if (intruder is not null)
            {
                await intruder.DisposeAsync();
            }
            File.Delete(stranger);
        }
    }

    [Fact]
    public void ANonLoopbackAddress_WithoutTheCertificate_StopsTheNodeAtStart_SayingWhatToSet()
    {
        using var open = factory.WithWebHostBuilder(b => b.UseSetting("Cluster:AdvertisedAddress", "192.0.2.10"));

        var ex = Assert.ThrowsAny<Exception>(() => open.CreateClient());

        Assert.Contains("Cluster:CertificatePath", ex.ToString(), StringComparison.Ordinal);
    }
}
