using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace WorldWeb.Server.Cluster;

public static class ClusterExtensions
{
    /// <summary>
    /// This server becomes an Orleans silo of the cluster named by Cluster:Id. After AddDatabase: the silo joins
    /// through tables the migrations create.
    /// </summary>
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var node = builder.Configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>() ?? new NodeOptions();
        int siloPort = node.SiloPort == 0 ? FreePort() : node.SiloPort;
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = node.Id;
                o.ServiceId = "worldweb";
            });
            // No gateway: every node is a silo, so there are no external Orleans clients to serve. The silo listens on
            // the advertised address only (loopback by default); its protocol has no authentication of its own, so
            // anything but loopback needs the cluster's certificate (mutual TLS, ClusterTls).
            IPAddress advertised = Advertised(node.AdvertisedAddress);
            silo.ConfigureEndpoints(advertised, siloPort, gatewayPort: 0, listenOnAnyHostAddress: false);
            ClusterTls.Configure(silo, node, advertised);
            silo.Services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
            silo.Services.AddPlacementDirector<WorldPlacementStrategy, WorldPlacementDirector>();
            // A node that is killed fails calls to it at once (the connection drops); one that hangs, within this.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // A node that dies takes live worlds with it: find out in seconds, not Orleans' default of a minute or so.
                var probe = TimeSpan.FromSeconds(node.ProbeSeconds);
                o.ProbeTimeout = probe;
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = probe * 2;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(Math.Max(5, node.ProbeSeconds * 5));
                o.DeathVoteExpirationTimeout = probe * 10;
            });
        });
        builder.Services.AddSingleton<LocalNode>();
        builder.Services.AddSingleton<LiveWorlds>();
        builder.Services.AddSingleton<ClusterQuotas>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterQuotas>());
        builder.Services.AddSingleton<NodeReports>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeReports>());
        return builder;
    }

    /// <summary>An IP address as given, or a host name's first IPv4 address (a container's own name, in docker compose).</summary>
    private static IPAddress Advertised(string address) =>
        IPAddress.TryParse(address, out IPAddress? ip)
            ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"Cluster:AdvertisedAddress '{address}' is neither an IP address nor a host name with an IPv4 address.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
