namespace WorldWeb.Server.Cluster;

/// <summary>The holdings of one client address, per node; a node Orleans no longer holds active holds nothing.</summary>
internal sealed class AddressGrain(IClusterMembershipService membership) : Grain, IAddressGrain
{
    private readonly Dictionary<string, (long Version, int Connections, string[] Worlds)> _byNode = new(StringComparer.Ordinal);

    public Task Report(string node, long version, int connections, string[] worlds)
    {
        if (!_byNode.TryGetValue(node, out var held) || held.Version < version)
        {
            _byNode[node] = (version, connections, worlds);
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
        var others = _byNode.Where(h => h.Key != node && active.Contains(h.Key)).Select(h => h.Value).ToList();
        return Task.FromResult(new AddressHoldings(others.Sum(h => h.Connections), [.. others.SelectMany(h => h.Worlds).Distinct()]));
    }
}
