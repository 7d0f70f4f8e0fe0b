using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class WorldLifecycleTests(WorldWebFactory factory)
{
    [Fact]
    public async Task ASaveThatNoLongerFitsItsModel_IsRefusedAtOpen_SayingWhy()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        LoadedModel model = factory.Services.GetRequiredService<ModelCatalog>().All[0];
        WorldState genesis = WorldGenesis.Of(model, 1);
        // As a save made by an older model of the same name would: one frame more than this model's context.
        WorldState misfit = genesis with { Step = 5, Context = [.. genesis.Context, genesis.CurrentFrame] };
        await factory.Services.GetRequiredService<WorldStore>().AddSaveAsync(world.Id, "old", SaveKind.User, 5, SaveCodec.Encode(misfit), [], CancellationToken.None);
        await using HubConnection connection = await owner.ConnectAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id));

        Assert.Contains($"but the model '{model.Name}' now loaded takes {model.Manifest.ContextFrames} of", refused.Message, StringComparison.Ordinal);
        Assert.Null(factory.Services.GetRequiredService<WorldDirectory>().FindLive(world.Id));
    }

    [Fact]
    public async Task ALogWithAnActionItsModelDoesNotHave_IsRefusedAtOpen_SayingWhy()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        LoadedModel model = factory.Services.GetRequiredService<ModelCatalog>().All[0];
        // As a model of the same name with one action more (paint) would have logged it, or a crafted row.
        await using (WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            db.ActionLog.Add(new ActionLogChunk { WorldId = world.Id, FirstStep = 1, Actions = [0, 1, (byte)model.Actions.Count], WrittenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        await using HubConnection connection = await owner.ConnectAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id));

        Assert.Contains($"holds action {model.Actions.Count} at step 3, but the model '{model.Name}' now loaded has {model.Actions.Count} actions", refused.Message, StringComparison.Ordinal);
        Assert.Null(factory.Services.GetRequiredService<WorldDirectory>().FindLive(world.Id));
    }

    [Fact]
    public async Task LoggedStepsBeyondAGap_AreAnAbandonedTimeline_NeverReplayedAndDroppedAtResume()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync())
        {
            // Steps 1-5, then nothing for 6 and 7, then 8-9 of a timeline that was abandoned.
            db.ActionLog.AddRange(
                new ActionLogChunk { WorldId = world.Id, FirstStep = 1, Actions = [1, 1, 2, 2, 3], WrittenAt = DateTimeOffset.UtcNow },
                new ActionLogChunk { WorldId = world.Id, FirstStep = 8, Actions = [4, 4], WrittenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Opened without a viewer, the world does not step on: it stands where the replay left it.
        WorldSession session = (await factory.Services.GetRequiredService<WorldDirectory>().OpenAsync(world.Id, CancellationToken.None))!;

        Assert.Equal(5, session.Step);
        await using WorldWebDbContext after = await contexts.CreateDbContextAsync();
        Assert.Equal([1L], await after.ActionLog.Where(c => c.WorldId == world.Id).Select(c => c.FirstStep).ToListAsync());
    }

    [Fact]
    public async Task AResumeThatOutlastsTheOwnersKeepAliveTick_LeavesTheWorldPlaying()
    {
        // Replaying a long log takes seconds. The world's grain checks every second whether its world is still live
        // here; while the resume runs it is not live yet, and a grain that took that for "unloaded" deactivated
        // once the join returned, stopping the world under its player ("moving to another node").
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 33);
        const int Logged = 3000;  // seconds of replay on any machine (400 took 1.4 s in a CI run; 1,000 of the CI's tiny model 1.49 s on a quiet one)
        await using (WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            db.ActionLog.Add(new ActionLogChunk
            {
                WorldId = world.Id, FirstStep = 1, Actions = [.. Enumerable.Range(0, Logged).Select(i => (byte)(i / 50 % 3))], WrittenAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        await using HubConnection connection = await owner.ConnectAsync();

        // Timed by the server's clock: from before the join to the stamp of the frame the resume published at its end
        // (the test's own clock would add the hub's reply and this test's scheduling on a loaded machine).
        long asked = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        Assert.Equal(Logged, info.Step);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        FrameMessage resumed = await frames.NextAsync();
        Assert.Equal(Logged, resumed.Step);  // the frame the resume published, not a later one
        TimeSpan replay = TimeSpan.FromMilliseconds(resumed.ServerTimeMs - asked);
        Assert.True(replay > TimeSpan.FromSeconds(2), $"the replay took {replay} by the server's clock: too short to span the grain's 1 s keep-alive tick surely, so this test proves nothing");
        FrameMessage later = await frames.UntilAsync(f => f.Step >= Logged + 30);

        Assert.True(factory.Services.GetRequiredService<WorldDirectory>().FindLive(world.Id) is { IsClosed: false }, $"the world left play at step {later.Step}");
    }

    [Fact]
    public async Task SaveAll_OneWorldsSaveFailing_StillSavesTheOthers()
    {
        using var host = factory.WithWebHostBuilder(_ => { });
        TestUser owner = await TestUser.CreateAsync(host);
        CreatedWorld doomed = await owner.CreateWorldAsync(seed: 1), kept = await owner.CreateWorldAsync(seed: 2);
        var directory = host.Services.GetRequiredService<WorldDirectory>();
        foreach (CreatedWorld world in new[] { doomed, kept })
        {
            WorldSession session = (await directory.OpenAsync(world.Id, CancellationToken.None))!;
            session.AddViewer();
            await host.Services.GetRequiredService<StepSchedulers>().For(session.ModelName).TickAsync(CancellationToken.None);
        }
        var contexts = host.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync())
        {
            // Its row gone under it, the doomed world's save breaks its foreign key.
            await db.Worlds.Where(w => w.Id == doomed.Id).ExecuteDeleteAsync();
        }

        int failed = await host.Services.GetRequiredService<SessionSaver>().SaveAllAsync(directory.Live, CancellationToken.None);

        Assert.Equal(1, failed);
        await using WorldWebDbContext after = await contexts.CreateDbContextAsync();
        Assert.True(await after.Saves.AnyAsync(s => s.WorldId == kept.Id && s.Kind == SaveKind.Auto));
    }

    [Fact]
    public async Task TwentyAutosavesAtOnce_LeaveExactlyOne_TheFurthest()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.UntilAsync(f => f.Step >= 2);
        WorldSession session = factory.Services.GetRequiredService<WorldDirectory>().FindLive(world.Id)!;
        var saver = factory.Services.GetRequiredService<SessionSaver>();

        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();

        // Three bursts (a race shows in some runs, not all); the world keeps stepping, so the saves are of different steps.
        for (int burst = 0; burst < 3; burst++)
        {
            SaveRecord[] saves = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => saver.SaveAsync(session, "autosave", SaveKind.Auto, CancellationToken.None)));

            await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
            List<SaveRecord> kept = await db.Saves.Where(s => s.WorldId == world.Id && s.Kind == SaveKind.Auto).ToListAsync();
            Assert.Single(kept);
            Assert.Equal(saves.Max(s => s.Step), kept[0].Step);
        }
    }

    [Fact]
    public async Task ShutdownWork_AskedTwiceAtOnce_RunsOnce_AndBothCallersWaitForIt()
    {
        // The test host stops the server twice at once (its dispose and the app's own RunAsync); the second stop
        // used to dispose the services while the first was still saving worlds.
        using var host = factory.WithWebHostBuilder(_ => { });
        TestUser owner = await TestUser.CreateAsync(host);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using (HubConnection connection = await owner.ConnectAsync())
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            await frames.UntilAsync(f => f.Step >= 3);
        }
        IHostedService[] withStopWork = [.. host.Services.GetServices<IHostedService>()
            .Where(s => s is WorldShutdown or MemoryWriter or ActionLogWriter)];

        Task[] first = [.. withStopWork.Select(s => s.StopAsync(CancellationToken.None))];
        Task[] second = [.. withStopWork.Select(s => s.StopAsync(CancellationToken.None))];

        Assert.Equal(3, withStopWork.Length);
        Assert.Equal(first, second);
        await Task.WhenAll(first);
        await using WorldWebDbContext db = await host.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync();
        Assert.True(await db.Saves.AnyAsync(s => s.WorldId == world.Id), "the world was not saved at shutdown");
    }

    [Fact]
    public async Task WorldWithoutViewers_IsSavedAndUnloaded_AndResumesWhereItStood()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 31);
        FrameMessage last;
        await using (HubConnection connection = await owner.ConnectAsync())
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            last = await frames.UntilAsync(f => f.Step >= 8);
        }

        // The test server unloads after 3 s without viewers (Worlds:IdleUnloadSeconds); the world leaves the live
        // set first and its autosave lands just after, so wait for both.
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        long? savedStep = null;
        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        for (int i = 0; i < 60 && (details.IsLive || savedStep is null); i++)
        {
            await Task.Delay(250);
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
            savedStep = await db.Saves.Where(s => s.WorldId == world.Id && s.Kind == SaveKind.Auto).Select(s => (long?)s.Step).SingleOrDefaultAsync();
            details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        }
        Assert.False(details.IsLive);
        Assert.True(details.Step >= last.Step);
        Assert.Equal(details.Step, savedStep);

        await using HubConnection again = await owner.ConnectAsync();
        WorldInfo info = await again.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        Assert.Equal(details.Step, info.Step);
        await using FrameStream resumed = await FrameStream.OpenAsync(again, world.Id);
        Assert.Equal(details.Step, (await resumed.NextAsync()).Step);
        Assert.Equal(details.Step + 1, (await resumed.NextAsync()).Step);
    }
}
