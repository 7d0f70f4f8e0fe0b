using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// Orleans' membership table in WorldWeb's PostgreSQL, on tables the project's migrations create. Every write that
/// changes membership moves the cluster's version on by one, in the same transaction, only if the writer read the
/// version before it (and the row's etag, for an update): the compare-and-swap Orleans' membership protocol is built on.
/// </summary>
internal sealed class PostgresMembershipTable(IDbContextFactory<WorldWebDbContext> contexts, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private readonly string clusterId = cluster.Value.ClusterId;

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        if (!tryInitTableVersion)
        {
            return;
        }
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO cluster_versions (cluster_id, version) VALUES ({clusterId}, 0) ON CONFLICT (cluster_id) DO NOTHING");
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        await db.ClusterMembers.Where(m => m.ClusterId == clusterId).ExecuteDeleteAsync();
        await db.ClusterVersions.Where(v => v.ClusterId == clusterId).ExecuteDeleteAsync();
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        int dead = (int)SiloStatus.Dead;
        await db.ClusterMembers.Where(m => m.ClusterId == clusterId && m.Status == dead && m.IAmAliveTime < beforeDate).ExecuteDeleteAsync();
    }

    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        string address = key.ToParsableString();
        return await ReadAsync(db, db.ClusterMembers.Where(m => m.ClusterId == clusterId && m.Address == address));
    }

    public async Task<MembershipTableData> ReadAll()
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        return await ReadAsync(db, db.ClusterMembers.Where(m => m.ClusterId == clusterId));
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        WriteAsync(tableVersion, async db =>
        {
            if (await db.ClusterMembers.AnyAsync(m => m.ClusterId == clusterId && m.Address == Key(entry)))
            {
                return false;
            }
            var row = new ClusterMemberRecord { ClusterId = clusterId, Address = Key(entry), HostName = "", SiloName = "" };
            Fill(row, entry);
            db.ClusterMembers.Add(row);
            await db.SaveChangesAsync();
            return true;
        });

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        WriteAsync(tableVersion, async db =>
        {
            ClusterMemberRecord? row = await db.ClusterMembers.SingleOrDefaultAsync(m => m.ClusterId == clusterId && m.Address == Key(entry));
            if (row is null || row.ETag.ToString(CultureInfo.InvariantCulture) != etag)
            {
                return false;
            }
            Fill(row, entry);
            row.ETag++;
            await db.SaveChangesAsync();
            return true;
        });

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        DateTimeOffset alive = Utc(entry.IAmAliveTime);
        await db.ClusterMembers.Where(m => m.ClusterId == clusterId && m.Address == Key(entry))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.IAmAliveTime, alive));
    }

    /// <summary>Runs a membership change in one transaction that first moves the version from the one the writer read to its successor.</summary>
    private async Task<bool> WriteAsync(TableVersion next, Func<WorldWebDbContext, Task<bool>> change)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            int moved = await db.ClusterVersions
                .Where(v => v.ClusterId == clusterId && v.Version == next.Version - 1)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Version, next.Version));
            if (moved == 0 || !await change(db))
            {
                await transaction.RollbackAsync();
                db.ChangeTracker.Clear();
                return false;
            }
            await transaction.CommitAsync();
            return true;
        });
    }

    private async Task<MembershipTableData> ReadAsync(WorldWebDbContext db, IQueryable<ClusterMemberRecord> rows)
    {
        // Read in one snapshot, so the version matches the rows.
        (int version, List<ClusterMemberRecord> found) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            int version = await db.ClusterVersions.Where(v => v.ClusterId == clusterId).Select(v => v.Version).SingleOrDefaultAsync();
            List<ClusterMemberRecord> found = await rows.AsNoTracking().ToListAsync();
            await transaction.CommitAsync();
            return (version, found);
        });
        var entries = found.Select(r => Tuple.Create(Entry(r), r.ETag.ToString(CultureInfo.InvariantCulture))).ToList();
        return new MembershipTableData(entries, new TableVersion(version, version.ToString(CultureInfo.InvariantCulture)));
    }

    private static string Key(MembershipEntry entry) => entry.SiloAddress.ToParsableString();

    private static void Fill(ClusterMemberRecord row, MembershipEntry entry)
    {
        row.HostName = entry.HostName ?? "";
        row.SiloName = entry.SiloName ?? "";
        row.Status = (int)entry.Status;
        row.ProxyPort = entry.ProxyPort;
        row.UpdateZone = entry.UpdateZone;
        row.FaultZone = entry.FaultZone;
        row.StartTime = Utc(entry.StartTime);
        row.IAmAliveTime = Utc(entry.IAmAliveTime);
        row.SuspectTimes = entry.SuspectTimes is { Count: > 0 } suspects
            ? string.Join('|', suspects.Select(s => $"{s.Item1.ToParsableString()} {s.Item2.Ticks.ToString(CultureInfo.InvariantCulture)}"))
            : null;
    }

    private static MembershipEntry Entry(ClusterMemberRecord row) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(row.Address),
        HostName = row.HostName,
        SiloName = row.SiloName,
        Status = (SiloStatus)row.Status,
        ProxyPort = row.ProxyPort,
        UpdateZone = row.UpdateZone,
        FaultZone = row.FaultZone,
        StartTime = row.StartTime.UtcDateTime,
        IAmAliveTime = row.IAmAliveTime.UtcDateTime,
        SuspectTimes = row.SuspectTimes is null
            ? []
            : row.SuspectTimes.Split('|').Select(s => s.Split(' '))
                .Select(p => Tuple.Create(SiloAddress.FromParsableString(p[0]), new DateTime(long.Parse(p[1], CultureInfo.InvariantCulture), DateTimeKind.Utc)))
                .ToList(),
    };

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
