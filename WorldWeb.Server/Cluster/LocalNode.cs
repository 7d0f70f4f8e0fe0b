using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Cluster;

/// <summary>This node: its silo address (how the cluster names it) and the base URL clients reach it at.</summary>
public sealed class LocalNode(ILocalSiloDetails silo, IOptions<NodeOptions> options, IServer server)
{
    public SiloAddress Silo => silo.SiloAddress;

    public string Address => silo.SiloAddress.ToParsableString();

    public string Url => options.Value.Url is { Length: > 0 } url
        ? url.TrimEnd('/')
        : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/') ?? "";
}
