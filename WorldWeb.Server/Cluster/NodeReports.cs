using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Runtime;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// Every <see cref="Every"/>: writes what this node serves to <c>cluster_nodes</c> and reads what the others said,
/// which placement (<see cref="WorldPlacementDirector"/>) and the admin's nodes view use. Capacity per model is
/// measured, not configured: the worlds one batched run per tick can hold at the model's fps, from the median step
/// time per world of the recent runs, with a fifth of the period left for encoding and sending.
/// </summary>
public sealed partial class NodeReports(
    LocalNode node, WorldDirectory directory, StepSchedulers schedulers, IClusterMembershipService membership, IGrainFactory grains, IOptions<NodeOptions> options,
    IOptions<InferenceOptions> inference, IDbContextFactory<WorldWebDbContext> contexts, PlayStats players, WorkerFaults faults, TimeProvider clock, ILogger<NodeReports> logger)
    : PeriodicWorker(faults, clock, logger)
{
    /// <summary>A report older than this is not trusted for placement (its node is probably gone).</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    /// <summary>A node silent this long has left; its report goes.</summary>
    public static readonly TimeSpan ForgottenAfter = TimeSpan.FromHours(1);

    private volatile IReadOnlyDictionary<string, NodeInfo> _nodes = new Dictionary<string, NodeInfo>();

    // Worlds this node placed since it last read the reports: a burst of new worlds spreads instead of all going to
    // the node that looked freest two seconds ago.
    private readonly ConcurrentDictionary<string, int> _placedSinceRead = new(StringComparer.Ordinal);

    protected override TimeSpan Every => TimeSpan.FromSeconds(2);

    private DateTimeOffset? _drainingSince;

    /// <summary>An admin asked this node to drain: it takes no new worlds and hands its live ones over.</summary>
    public bool Draining => _drainingSince is not null;

    /// <summary>Draining, and another active node that does not drain is there to take worlds: this node opens none.</summary>
    public bool HandsOver => Draining && Trusted().Any(n => n.Address != node.Address && !n.Draining);

    /// <summary>Of <paramref name="silos"/>, the one with the most free slots for <paramref name="model"/>; null when no fresh report has it.</summary>
    public SiloAddress? Choose(string model, IEnumerable<SiloAddress> silos)
    {
        var trusted = Trusted().ToDictionary(n => n.Address);
        SiloAddress? chosen = PlacementRanking.Best(model, silos,
            silo => trusted.GetValueOrDefault(silo.ToParsableString()), silo => _placedSinceRead.GetValueOrDefault(silo.ToParsableString()));
        if (chosen is not null)
        {
            _placedSinceRead.AddOrUpdate(chosen.ToParsableString(), 1, (_, n) => n + 1);
        }
        return chosen;
    }

    /// <summary>The base URL of the node that runs world <paramref name="worldId"/>: this one's when it is live here, else as the nodes last reported; null when none does.</summary>
    public string? NodeOf(string worldId) =>
        directory.FindLive(worldId) is not null
            ? node.Url
            : Trusted().Where(n => n.Address != node.Address && n.WorldIds.Contains(worldId))
                .OrderByDescending(n => n.ReportedAt).Select(n => n.Url).FirstOrDefault();

    /// <summary>Whether the world is live on another node (not here): what happens to it is for its owner to do.</summary>
    public bool RunsElsewhere(string worldId) => directory.FindLive(worldId) is null && NodeOf(worldId) is not null;

    /// <summary>Whether the cluster has another node Orleans holds active (and that has reported).</summary>
    public bool OthersActive => Trusted().Any(n => n.Address != node.Address);

    /// <summary>The ids of the worlds live on the cluster's other nodes, as they last reported.</summary>
    public IReadOnlyCollection<string> LiveElsewhere() =>
        [.. Trusted().Where(n => n.Address != node.Address).SelectMany(n => n.WorldIds)];

    /// <summary>The fresh reports of nodes Orleans holds active: a killed node's last report is not believed once it is declared dead.</summary>
    private IEnumerable<NodeInfo> Trusted()
    {
        DateTimeOffset fresh = Clock.GetUtcNow() - Stale;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString()).ToHashSet();
        return _nodes.Values.Where(n => n.ReportedAt >= fresh && active.Contains(n.Address));
    }

    /// <summary>This node's report now.</summary>
    public NodeInfo Report()
    {
        WorldSession[] live = [.. directory.Live];
        NodeModelInfo[] models = [.. schedulers.All.Select(s =>
        {
            (double p50, _, double rows) = s.Recent.Summary();
            int? capacity = p50 > 0 && rows > 0 ? (int)(s.Period.TotalMilliseconds * 0.8 / (p50 / rows)) : null;
            return new NodeModelInfo(s.Model.Name, capacity, s.Sessions, Math.Round(p50, 2), s.Fault.IsOutOfPlay);
        })];
        WorldSession[] watched = [.. live.Where(s => s.Viewers > 0)];
        // The providers that run this node's models: CPU where CUDA was configured but could not load.
        string providers = string.Join(", ", schedulers.All.Select(s => s.Model.Package.ExecutionProvider).Distinct()
            .DefaultIfEmpty(inference.Value.ExecutionProvider));
        return new NodeInfo(node.Address, node.Url, "Active", Draining, providers, live.Length,
            live.Sum(s => s.Viewers), watched.Length == 0 ? 0 : Math.Round(watched.Average(s => s.ActualFps), 2), models,
            [.. live.Select(s => s.Id)], Clock.GetUtcNow(), players.Summary(), directory.MaxLive);
    }

    /// <summary>Every node's last report, read now (this node's as it stands).</summary>
    public async Task<IReadOnlyDictionary<string, NodeInfo>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        Dictionary<string, NodeInfo> nodes = await ReadAsync(db, cancellationToken);
        nodes[node.Address] = Report();
        return nodes;
    }

    private async Task<Dictionary<string, NodeInfo>> ReadAsync(WorldWebDbContext db, CancellationToken cancellationToken)
    {
        string clusterId = options.Value.Id;
        List<ClusterNodeRecord> rows = await db.ClusterNodes.AsNoTracking().Where(n => n.ClusterId == clusterId).ToListAsync(cancellationToken);
        var nodes = new Dictionary<string, NodeInfo>();
        foreach (ClusterNodeRecord row in rows)
        {
            if (NodeReportRow.Parse(row, out string? why) is { } report)
            {
                nodes[row.Address] = report;
                _refused.TryRemove(row.Address, out _);
            }
            else if (_refused.TryAdd(row.Address, 0))
            {
                LogRowRefused(logger, row.Address, why!);
            }
        }
        return nodes;
    }

    // Rows refused so far: each is logged once, not every round, until it holds together again.
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.Ordinal);

    /// <summary>Asks node <paramref name="address"/> to drain (or not); false when the cluster has no such node.</summary>
    public async Task<bool> RequestDrainAsync(string address, bool drain, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        string clusterId = options.Value.Id;
        return await db.ClusterNodes.Where(n => n.ClusterId == clusterId && n.Address == address)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DrainRequested, drain), cancellationToken) == 1;
    }

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        string clusterId = options.Value.Id;
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        bool drain = await db.ClusterNodes.AnyAsync(n => n.ClusterId == clusterId && n.Address == node.Address && n.DrainRequested, cancellationToken);
        _drainingSince = drain ? _drainingSince ?? Clock.GetUtcNow() : null;
        NodeInfo report = Report();
        string json = JsonSerializer.Serialize(report, JsonSerializerOptions.Web);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cluster_nodes (cluster_id, address, url, report, updated_at, drain_requested)
            VALUES ({clusterId}, {report.Address}, {report.Url}, {json}::jsonb, {report.ReportedAt}, false)
            ON CONFLICT (cluster_id, address) DO UPDATE SET url = excluded.url, report = excluded.report, updated_at = excluded.updated_at
            """, cancellationToken);
        // Nodes that left long ago: every node sweeps, the table stays the size of the cluster.
        DateTimeOffset gone = Clock.GetUtcNow() - ForgottenAfter;
        await db.ClusterNodes.Where(n => n.ClusterId == clusterId && n.UpdatedAt < gone).ExecuteDeleteAsync(cancellationToken);
        _nodes = await ReadAsync(db, cancellationToken);
        _placedSinceRead.Clear();
        // Hand the worlds over once the others have had a round to read that this node drains, or they would place them here again.
        if (_drainingSince is { } since && Clock.GetUtcNow() - since >= 2 * Every)
        {
            foreach (WorldSession session in directory.Live)
            {
                LogHandingOver(logger, session.Id);
                await grains.GetGrain<IWorldGrain>(session.Id).Leave();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster_nodes row of {Address} is not believed: {Why}")]
    private static partial void LogRowRefused(ILogger logger, string address, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: world {WorldId} moves to another node")]
    private static partial void LogHandingOver(ILogger logger, string worldId);
}
