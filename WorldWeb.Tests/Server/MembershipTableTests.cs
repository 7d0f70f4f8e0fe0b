using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Tests.Server;

/// <summary>The membership table's compare-and-swap on the real database: the contract Orleans' membership protocol relies on.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class MembershipTableTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Writes_SucceedOnlyFromTheVersionAndEtagTheyRead_AndEveryFieldRoundTrips()
    {
        var table = new PostgresMembershipTable(factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>(),
            Options.Create(new ClusterOptions { ClusterId = $"table-{Guid.NewGuid():N}" }));
        await table.InitializeMembershipTable(tryInitTableVersion: true);
        await table.InitializeMembershipTable(tryInitTableVersion: true);  // a second node starting: no harm
        MembershipTableData empty = await table.ReadAll();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        SiloAddress a = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 7), b = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 8);
        MembershipEntry entry = Entry(a, SiloStatus.Joining);
        Assert.True(await table.InsertRow(entry, empty.Version.Next()));
        Assert.False(await table.InsertRow(Entry(b, SiloStatus.Joining), empty.Version.Next()));  // read before the insert: stale
        Assert.False(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));      // the row is there already

        MembershipTableData read = await table.ReadRow(a);
        (MembershipEntry stored, string etag) = read.Members.Single();
        Assert.Equal(1, read.Version.Version);
        Assert.Equal(entry.SiloAddress, stored.SiloAddress);
        Assert.Equal(entry.SiloName, stored.SiloName);
        Assert.Equal(entry.HostName, stored.HostName);
        Assert.Equal(entry.ProxyPort, stored.ProxyPort);
        Assert.Equal(entry.StartTime, stored.StartTime);

        entry.Status = SiloStatus.Active;
        entry.AddOrUpdateSuspector(b, DateTime.UtcNow, 10);
        Assert.False(await table.UpdateRow(entry, etag, empty.Version.Next()));      // the version moved on since
        Assert.False(await table.UpdateRow(entry, etag + "x", read.Version.Next()));  // another writer's etag
        Assert.True(await table.UpdateRow(entry, etag, read.Version.Next()));
        Assert.False(await table.UpdateRow(entry, etag, (await table.ReadAll()).Version.Next()));  // the etag moved on with the row

        DateTime alive = DateTime.UtcNow.AddSeconds(5);
        entry.IAmAliveTime = alive;
        await table.UpdateIAmAlive(entry);
        MembershipTableData after = await table.ReadAll();
        MembershipEntry active = after.Members.Single().Item1;
        Assert.Equal(2, after.Version.Version);  // liveness does not move the version
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.Equal(b, active.SuspectTimes!.Single().Item1);
        Assert.Equal(alive, active.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        entry.Status = SiloStatus.Dead;
        Assert.True(await table.UpdateRow(entry, after.Members.Single().Item2, after.Version.Next()));
        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow);  // its last sign of life is in the future: kept
        Assert.Single((await table.ReadAll()).Members);
        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty((await table.ReadAll()).Members);
    }

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status) => new()
    {
        SiloAddress = silo,
        HostName = "test-host",
        SiloName = $"silo-{silo.Endpoint.Port}",
        Status = status,
        ProxyPort = 0,
        StartTime = DateTime.UtcNow.AddMinutes(-1).Date,
        IAmAliveTime = DateTime.UtcNow,
    };
}
