namespace WorldWeb.Server.Cluster;

/// <summary>
/// What one client address holds on each node (hub connections, watched worlds), so that the per-address limits
/// count the whole cluster: each node reports its holdings when they change and again every few seconds, and asks
/// for the others' before it lets the address take more. Soft state: a report not renewed within
/// <see cref="AddressGrain.Expiry"/> no longer counts, so holdings lost with a node, or with an activation Orleans
/// replaced, come back with the next round of reports.
/// </summary>
public interface IAddressGrain : IGrainWithStringKey
{
    /// <summary>Node <paramref name="node"/> now holds these for the address; <paramref name="version"/> orders one node's reports.</summary>
    [Orleans.Concurrency.OneWay]
    Task Report(string node, long version, int connections, string[] worlds);

    /// <summary>What the address holds on the other active nodes.</summary>
    Task<AddressHoldings> Elsewhere(string node);
}

[GenerateSerializer, Immutable]
public sealed record AddressHoldings([property: Id(0)] int Connections, [property: Id(1)] string[] Worlds)
{
    public static readonly AddressHoldings None = new(0, []);
}
