using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class RetentionTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Sweep_DeletesOldChunksNoResumeNeeds_DeadLinks_AndOldAuditEntries_AndNothingElse()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        LoadedModel model = factory.Services.GetRequiredService<ModelCatalog>().All[0];
        WorldState saved = WorldGenesis.Of(model, 1) with { Step = 10 };
        await factory.Services.GetRequiredService<WorldStore>().AddSaveAsync(world.Id, "at 10", SaveKind.User, 10, SaveCodec.Encode(saved), [], CancellationToken.None);
        DateTimeOffset old = DateTimeOffset.UtcNow.AddDays(-40), recent = DateTimeOffset.UtcNow;
        Guid deadLong = Guid.NewGuid(), expiredLong = Guid.NewGuid(), revokedToday = Guid.NewGuid(), alive = Guid.NewGuid();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync())
        {
            db.ActionLog.AddRange(
                new ActionLogChunk { WorldId = world.Id, FirstStep = 1, Actions = [1, 1, 1, 1, 1], WrittenAt = old },    // behind the save, old: goes
                new ActionLogChunk { WorldId = world.Id, FirstStep = 6, Actions = [2, 2, 2, 2, 2], WrittenAt = recent }, // behind the save, recent: stays
                new ActionLogChunk { WorldId = world.Id, FirstStep = 11, Actions = [3, 3, 3], WrittenAt = old });       // after the save: a resume replays it
            db.ShareLinks.AddRange(
                Link(world.Id, deadLong, revokedAt: old, expiresAt: null),    // revoked long ago: goes
                Link(world.Id, expiredLong, revokedAt: null, expiresAt: old), // expired long ago: goes
                Link(world.Id, revokedToday, revokedAt: recent, expiresAt: null),
                Link(world.Id, alive, revokedAt: null, expiresAt: null));
            db.AuditLog.AddRange(
                new AuditEntry { At = DateTimeOffset.UtcNow.AddDays(-400), ActorId = "test", Action = "test.retention", Target = world.Id },
                new AuditEntry { At = recent, ActorId = "test", Action = "test.retention", Target = world.Id });
            await db.SaveChangesAsync();
        }

        await factory.Services.GetRequiredService<RetentionSweeper>().SweepAsync(CancellationToken.None);

        await using WorldWebDbContext after = await contexts.CreateDbContextAsync();
        Assert.Equal(new[] { revokedToday, alive }.Order(), (await after.ShareLinks.Where(l => l.WorldId == world.Id).Select(l => l.Id).ToListAsync()).Order());
        Assert.Equal([6L, 11L], await after.ActionLog.Where(c => c.WorldId == world.Id).OrderBy(c => c.FirstStep).Select(c => c.FirstStep).ToListAsync());
        Assert.Equal([recent.ToUnixTimeMilliseconds()],
            (await after.AuditLog.Where(a => a.Target == world.Id && a.Action == "test.retention").Select(a => a.At).ToListAsync()).Select(a => a.ToUnixTimeMilliseconds()));
    }

    private static ShareLinkRecord Link(string worldId, Guid id, DateTimeOffset? revokedAt, DateTimeOffset? expiresAt) => new()
    {
        Id = id, WorldId = worldId, TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Role = "viewer",
        CreatedAt = DateTimeOffset.UtcNow.AddDays(-50), RevokedAt = revokedAt, ExpiresAt = expiresAt,
    };
}
