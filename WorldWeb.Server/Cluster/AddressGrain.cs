namespace WorldWeb.Server.Cluster;

/// <summary>The holdings of one client address, per node; a node Orleans no longer holds active, or silent too long, holds nothing.</summary>
internal sealed class AddressGrain(IClusterMembershipService membership, TimeProvider clock) : Grain, IAddressGrain
{
    /// <summary>Nodes renew their reports every <see cref="ClusterQuotas.RenewEvery"/>; one not renewed for this long is gone.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (long Version, int Connections, string[] Worlds, DateTimeOffset At)> _byNode = new(StringComparer.Ordinal);

    public Task Report(string node, long version, int connections, string[] worlds)
    {
        if (!_byNode.TryGetValue(node, out var held) || held.Version <= version)
        {
            _byNode[node] = (version, connections, worlds, clock.GetUtcNow());
        }
        if (_byNode.Values.All(h => h.Connections == 0 && h.Worlds.Length == 0))
        {
            DeactivateOnIdle();  // nothing held anywhere: the address is forgotten
        }
        return Task.CompletedTask;
    }

    public Task<AddressHoldings> Elsewhere(string node)
    {
        HashSet<string> active = [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString())];
        DateTimeOffset fresh = clock.GetUtcNow() - Expiry;
        var others = _byNode.Where(h => h.Key != node && active.Contains(h.Key) && h.Value.At >= fresh).Select(h => h.Value).ToList();
        return Task.FromResult(new AddressHoldings(others.Sum(h => h.Connections), [.. others.SelectMany(h => h.Worlds).Distinct()]));
    }
}
