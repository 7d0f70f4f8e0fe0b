using Microsoft.Extensions.Options;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// The per-address hub limits (<see cref="IpQuotas"/>) over the whole cluster: before an address takes another
/// connection or watches (or opens) another world here, what it holds on the other nodes is added (asked of its
/// <see cref="IAddressGrain"/>, only when other nodes are there); after a change here, and every
/// <see cref="RenewEvery"/> while other nodes are there, this node reports its holdings to that grain. Nodes that
/// check at the same moment may each let one through; the next check counts them.
/// </summary>
public sealed class ClusterQuotas(IpQuotas local, IGrainFactory grains, NodeReports nodes, LocalNode node, IOptions<WorldSessionOptions> worlds,
    WorkerFaults faults, TimeProvider clock, ILogger<ClusterQuotas> logger) : PeriodicWorker(faults, clock, logger)
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(3);

    private long _version;

    protected override TimeSpan Every => RenewEvery;

    /// <summary>Renews this node's reports: a grain that lost them (its node died, or Orleans replaced it) has them again.</summary>
    protected override Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (string address in local.Addresses())
        {
            Publish(address);
        }
        return Task.CompletedTask;
    }

    public async Task<string?> TryConnectAsync(string address)
    {
        AddressHoldings elsewhere = await ElsewhereAsync(address);
        string? refusal = local.TryConnect(address, elsewhere.Connections);
        Publish(address);
        return refusal;
    }

    public void Disconnected(string address)
    {
        local.Disconnected(address);
        Publish(address);
    }

    /// <summary>Joins per minute stay a rate per node: a rate needs no count of what is held elsewhere.</summary>
    public string? TryJoin(string address) => local.TryJoin(address);

    public async Task<string?> TryWatchAsync(string address, string worldId)
    {
        AddressHoldings elsewhere = await ElsewhereAsync(address);
        string? refusal = local.TryWatch(address, worldId, elsewhere.Worlds);
        Publish(address);
        return refusal;
    }

    /// <summary>
    /// The address opens the world (a join, a frame, a place in line), which keeps it live until it may unload
    /// (Worlds:IdleUnloadSeconds) however it was opened (<see cref="IpQuotas.TryOpen"/>).
    /// </summary>
    public async Task<string?> TryOpenAsync(string address, string worldId)
    {
        AddressHoldings elsewhere = await ElsewhereAsync(address);
        string? refusal = local.TryOpen(address, worldId, TimeSpan.FromSeconds(worlds.Value.IdleUnloadSeconds), elsewhere.Worlds);
        Publish(address);
        return refusal;
    }

    /// <summary>An open counted by <see cref="TryOpenAsync"/> failed: the world does not count among the address's for it.</summary>
    public void OpenFailed(string address, string worldId)
    {
        local.OpenFailed(address, worldId);
        Publish(address);
    }

    public void Unwatch(string address, string worldId)
    {
        local.Unwatch(address, worldId);
        Publish(address);
    }

    private async Task<AddressHoldings> ElsewhereAsync(string address)
    {
        if (!nodes.OthersActive)
        {
            return AddressHoldings.None;
        }
        try
        {
            return await grains.GetGrain<IAddressGrain>(address).Elsewhere(node.Address).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is TimeoutException || LiveWorlds.IsNodeFault(ex))
        {
            // The grain's node is going: this node's own limit still holds; the cluster's is back at the next check.
            logger.LogDebug(ex, "Holdings of {Address} on other nodes unknown for now", address);
            return AddressHoldings.None;
        }
    }

    private void Publish(string address)
    {
        if (!nodes.OthersActive)
        {
            return;  // a cluster of one asks nobody; when others join, the renewal round reports everything held here
        }
        (int connections, string[] worlds) = local.HeldBy(address);
        _ = grains.GetGrain<IAddressGrain>(address).Report(node.Address, Interlocked.Increment(ref _version), connections, worlds);
    }
}
