using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Database;
using WorldWeb.Server.Worlds;
using WorldWeb.Tests.EndToEnd;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A row the real PostgreSQL refuses for good (here a trigger raising check_violation for one world, as a constraint
/// would): written again it is refused again, so it must not be retried forever holding every other world's steps behind it.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class RefusedWriteTests(WorldWebFactory factory)
{
    [Fact]
    public async Task AWorldsStepsRefusedForGood_AreDroppedOnce_AndTheOtherWorldsStepsAreWritten()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        var store = factory.Services.GetRequiredService<WorldStore>();
        string refused = await NewWorldAsync(store), kept = await NewWorldAsync(store);
        var log = new WorldActionLog(contexts, TimeProvider.System, Options.Create(new ActionLogOptions()));
        string trigger = $"refuse_{Guid.NewGuid():N}";
        await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString, $"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.world_id = '{refused}' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END IF;
              RETURN NEW;
            END $$
            """);
        await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString,
            $"CREATE TRIGGER {trigger} BEFORE INSERT ON action_log FOR EACH ROW EXECUTE FUNCTION {trigger}()");
        try
        {
            log.Append(refused, 1, 2);
            log.Append(kept, 1, 3);

            WriteRefusedException dropped = await Assert.ThrowsAsync<WriteRefusedException>(() => log.FlushAsync(CancellationToken.None));
            Assert.Equal([refused], dropped.Keys);
            Assert.Equal(0, log.Pending);
            log.Append(kept, 2, 4);
            await log.FlushAsync(CancellationToken.None);  // not refused again: the refused step is not retried

            Assert.Equal(new byte[] { 3, 4 }, await store.ActionsAfterAsync(kept, 0, CancellationToken.None));
            Assert.Empty(await store.ActionsAfterAsync(refused, 0, CancellationToken.None));
        }
        finally
        {
            await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString, $"DROP TRIGGER {trigger} ON action_log");
            await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString, $"DROP FUNCTION {trigger}()");
        }
    }

    private static async Task<string> NewWorldAsync(WorldStore store)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var record = new WorldRecord
        {
            Id = WorldIds.New(), Title = "refused write", Model = "default", Seed = 1, OwnerId = $"test-{Guid.NewGuid():N}", CreatedAt = now, UpdatedAt = now,
        };
        await store.AddAsync(record, firstSave: null, CancellationToken.None);
        return record.Id;
    }
}
