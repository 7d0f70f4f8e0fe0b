using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A world deleted while its steps and memories are being written takes them with it; the other worlds' are written.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class DeletedWorldWritesTests(WorldWebFactory factory)
{
    [Fact]
    public async Task AWorldDeletedDuringAFlush_TakesItsRowsWithIt_AndTheOtherWorldsAreWritten()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        var store = factory.Services.GetRequiredService<WorldStore>();
        string deleted = await NewWorldAsync(store), kept = await NewWorldAsync(store);
        // Writers of this test's own: the server's would flush these on their own schedule.
        var log = new WorldActionLog(contexts, TimeProvider.System, Options.Create(new ActionLogOptions()));
        var memory = new MemoryStore(contexts, factory.Services.GetRequiredService<MemoryMetrics>(), NullLogger<MemoryStore>.Instance);
        foreach (string id in new[] { deleted, kept })
        {
            log.Append(id, 1, 2);
            memory.JournalFor(id).Added(new MemoryEntry(1, new Pose(0.5, 0.5, 0), [1, 2, 3], new byte[64 * 64 * 3], landmark: false));
        }

        // The delete holds the world's row until it commits, as a request deleting the world does for a moment.
        // (A context without the server's retrying strategy, which refuses transactions begun by hand.)
        await using var deleting = new WorldWebDbContext(new DbContextOptionsBuilder<WorldWebDbContext>()
            .UseNpgsql(TestEnvironment.ConnectionString).UseSnakeCaseNamingConvention().Options);
        await using (var transaction = await deleting.Database.BeginTransactionAsync())
        {
            await deleting.Worlds.Where(w => w.Id == deleted).ExecuteDeleteAsync();
            Task flushes = Task.WhenAll(log.FlushAsync(CancellationToken.None), memory.FlushAsync(CancellationToken.None));
            await Task.Delay(500);  // deliberately: time for the writes to go through, were they not waiting
            Assert.False(flushes.IsCompleted, "the writes for the world being deleted should wait for the delete");
            await transaction.CommitAsync();
            await flushes.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, log.Pending);
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
        byte[] keptActions = await store.ActionsAfterAsync(kept, 0, CancellationToken.None);
        Assert.Equal(new byte[] { 2 }, keptActions);
        Assert.Equal(1, await db.MemoryEntries.CountAsync(e => e.WorldId == kept));
        Assert.Equal(0, await db.ActionLog.CountAsync(c => c.WorldId == deleted) + await db.MemoryEntries.CountAsync(e => e.WorldId == deleted));
        Assert.False(memory.IsBacklogged);
    }

    private static async Task<string> NewWorldAsync(WorldStore store)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var record = new WorldRecord
        {
            Id = WorldIds.New(), Title = "deleted while written", Model = "default", Seed = 1, OwnerId = $"test-{Guid.NewGuid():N}", CreatedAt = now, UpdatedAt = now,
        };
        await store.AddAsync(record, firstSave: null, CancellationToken.None);
        return record.Id;
    }
}
