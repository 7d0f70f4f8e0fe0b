extern alias server;

using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.Worlds;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Memory in the real PostgreSQL: through an unload and resume, into saves and forks, and turned off. The test
/// server writes a memory every 3 steps and keeps 6 (<see cref="WorldWebFactory"/>). One host only: EF Core's
/// cached internal services outlive a second, disposed host in the same process.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class MemoryPersistenceTests(WorldWebFactory factory, ITestOutputHelper output)
{
    [Fact]
    public async Task MemoryEntries_SurviveUnloadAndResume_AndTheRebuiltIndexReturnsTheSameNeighbours()
    {
        WorldWebFactory app = factory;
        TestUser owner = await TestUser.CreateAsync(app);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 41);
        await PlayAsync(owner, world.Id, steps: 40);
        var directory = app.Services.GetRequiredService<WorldDirectory>();
        WorldSession before = await StoppedAsync(directory, world.Id);
        Pose[] probes = [.. before.Memory!.Entries.Select(e => e.Pose), new Pose(0, 0, 0), new Pose(0.3, -0.2, 0.4)];
        string[] recalledBefore = probes.Select(p => Recall(before.Memory!, p)).ToArray();
        var held = Describe(before.Memory!);  // hits counted by the probes too: the save takes them along
        Assert.Equal(6, held.Count);

        // (The idle reaper may get there first; either way the world is saved and unloaded.)
        await directory.TryUnloadIdleAsync(before, DateTimeOffset.MaxValue, CancellationToken.None);
        Assert.Null(directory.FindLive(world.Id));
        WorldSession after = (await directory.OpenAsync(world.Id, CancellationToken.None))!;

        Assert.NotSame(before, after);
        Assert.Equal(before.Step, after.Step);
        Assert.Equal(held, Describe(after.Memory!));
        Assert.Equal(recalledBefore, probes.Select(p => Recall(after.Memory!, p)).ToArray());
        // Evicted rows no save holds were collected at the autosave: the store holds exactly the memory.
        await using WorldWebDbContext db = await Db(app).CreateDbContextAsync();
        Assert.Equal(held.Select(h => h.Step), await db.MemoryEntries.Where(e => e.WorldId == world.Id).OrderBy(e => e.Step).Select(e => e.Step).ToListAsync());
    }

    [Fact]
    public async Task TokenMemory_RestoredFromPostgres_RecallsTheSameFrames_AndAJpegEntryWrittenBeforeStillLoads()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 45);
        await PlayAsync(owner, world.Id, steps: 30);
        var directory = factory.Services.GetRequiredService<WorldDirectory>();
        WorldSession before = await StoppedAsync(directory, world.Id);
        MemoryFrameCodec frames = before.Memory!.Frames;
        Dictionary<long, byte[]> seen = before.Memory.Entries.ToDictionary(e => e.Step, e => e.Rgb);
        bool tokens = before.Model.Package.Codebook is not null;
        Assert.All(before.Memory.Entries, e => Assert.Equal(tokens, TokenFrameCodec.IsTokens(e.Encoded)));
        output.WriteLine($"{frames.Description}: {before.Memory.Bytes / Math.Max(1, seen.Count)} B an entry");
        await directory.TryUnloadIdleAsync(before, DateTimeOffset.MaxValue, CancellationToken.None);
        await factory.Services.GetRequiredService<MemoryStore>().FlushAsync(CancellationToken.None);
        // One entry as a server before token memory stored it.
        long oldest = seen.Keys.Min();
        byte[] jpeg = ImageFrameCodec.Jpeg(seen[oldest], frames.Width, frames.Height, 70);
        await using (WorldWebDbContext db = await Db(factory).CreateDbContextAsync())
        {
            Assert.Equal(1, await db.MemoryEntries.Where(e => e.WorldId == world.Id && e.Step == oldest)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.Frame, jpeg)));
        }

        WorldSession after = (await directory.OpenAsync(world.Id, CancellationToken.None))!;

        Assert.Equal(seen.Keys.Order(), after.Memory!.Entries.Select(e => e.Step));
        foreach (MemoryEntry entry in after.Memory.Entries.Where(e => e.Step != oldest))
        {
            Assert.Equal(seen[entry.Step], entry.Rgb);
        }
        MemoryEntry old = after.Memory.Entries.Single(e => e.Step == oldest);
        Assert.Equal(jpeg, old.Encoded);
        Assert.Equal(ImageFrameCodec.Decode(jpeg, frames.Width, frames.Height), old.Rgb);
    }

    [Fact]
    public async Task Fork_StartsWithTheMemoryItsSaveHad()
    {
        WorldWebFactory app = factory;
        TestUser owner = await TestUser.CreateAsync(app);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 42);
        await PlayAsync(owner, world.Id, steps: 30);
        var directory = app.Services.GetRequiredService<WorldDirectory>();
        var held = Describe((await StoppedAsync(directory, world.Id)).Memory!);
        SaveInfo save = (await (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("here"))).Content.ReadFromJsonAsync<SaveInfo>())!;
        // The original plays on and evicts what the save held; the fork must not care.
        await PlayAsync(owner, world.Id, steps: 30);

        HttpResponseMessage forked = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest(save.Id));
        forked.EnsureSuccessStatusCode();
        CreatedWorld fork = (await forked.Content.ReadFromJsonAsync<CreatedWorld>())!;
        WorldSession forkSession = (await directory.OpenAsync(fork.Id, CancellationToken.None))!;

        Assert.Equal(save.Step, forkSession.Step);
        Assert.Equal(held, Describe(forkSession.Memory!));
        await using WorldWebDbContext db = await Db(app).CreateDbContextAsync();
        byte[] state = (await db.Saves.SingleAsync(s => s.Id == Guid.Parse(save.Id))).State;
        int raw = SaveCodec.Encode(SaveCodec.Decode(state, forkSession.Model.Tokens)).Length;
        output.WriteLine($"save at step {save.Step}: {save.Bytes} bytes ({raw} with raw frames), memory of {held.Count} entries by reference");
    }

    [Fact]
    public async Task APaint_ForgetsTheOlderViewsOfItsSpot_KeepsTheNewer_AndTheStoreASaveAndAForkAgree()
    {
        WorldWebFactory app = factory;
        TestUser owner = await TestUser.CreateAsync(app);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 43);
        await PlayAsync(owner, world.Id, steps: 24);
        var directory = app.Services.GetRequiredService<WorldDirectory>();
        WorldSession session = await StoppedAsync(directory, world.Id);
        // The paint lands at the next step, from where the world stopped: the stream opens after the press is sent.
        (Pose at, long paintStep) = (session.Capture().Pose, session.Step + 1);
        MemoryPolicy policy = session.Memory!.Policy;
        Assert.Contains(session.Memory.Entries, e => ChangeSight.CouldShow(e.Pose, at, policy));

        await using (HubConnection connection = await owner.ConnectAsync())
        {
            WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            int paint = info.Actions.Single(a => a.ChangesWorld).Index;
            await connection.InvokeAsync("SendAction", world.Id, 0, 2L);
            await connection.InvokeAsync("SendAction", world.Id, paint, 3L);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            await frames.UntilAsync(f => f.Step >= paintStep + 9);
        }
        session = await StoppedAsync(directory, world.Id);
        var held = Describe(session.Memory!);

        Assert.DoesNotContain(session.Memory!.Entries, e => e.Step < paintStep && ChangeSight.CouldShow(e.Pose, at, policy));
        Assert.Contains(session.Memory.Entries, e => e.Step > paintStep && ChangeSight.CouldShow(e.Pose, at, policy));
        SaveInfo save = (await (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("painted"))).Content.ReadFromJsonAsync<SaveInfo>())!;
        HttpResponseMessage forked = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest(save.Id));
        forked.EnsureSuccessStatusCode();
        CreatedWorld fork = (await forked.Content.ReadFromJsonAsync<CreatedWorld>())!;
        Assert.Equal(held, Describe((await directory.OpenAsync(fork.Id, CancellationToken.None))!.Memory!));
        await directory.TryUnloadIdleAsync(session, DateTimeOffset.MaxValue, CancellationToken.None);
        Assert.Equal(held, Describe((await directory.OpenAsync(world.Id, CancellationToken.None))!.Memory!));
        output.WriteLine($"paint at step {paintStep}: memory holds steps {string.Join(", ", held.Select(h => h.Step))}");
    }

    [Fact]
    public async Task MemoryOff_WorldWritesAndRecallsNothing_AndSaysSo()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 43, memory: false);
        await PlayAsync(owner, world.Id, steps: 12);

        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;

        Assert.False(details.Memory);
        Assert.Equal(0, details.Coherence!.MemoryEntries);
        Assert.Null(factory.Services.GetRequiredService<WorldDirectory>().FindLive(world.Id)!.Memory);
        await using WorldWebDbContext db = await Db(factory).CreateDbContextAsync();
        Assert.Equal(0, await db.MemoryEntries.CountAsync(e => e.WorldId == world.Id));
    }

    [Fact]
    public async Task GetWorld_ShowsMemoryAndCoherenceOfALiveWorld()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 44);
        await PlayAsync(owner, world.Id, steps: 12);

        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;

        Assert.True(details.Memory);
        Assert.True(details.Coherence!.MemoryEntries >= 1);
        Assert.True(details.Coherence.MemoryBytes > 0);
        Assert.Equal(0, details.Coherence.Rollbacks);
    }

    private static async Task PlayAsync(TestUser owner, string worldId, int steps)
    {
        await using HubConnection connection = await owner.ConnectAsync();
        WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
        await connection.InvokeAsync("SendAction", worldId, 1 % info.Actions.Count, 1L);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, worldId);
        long target = info.Step + steps;
        await frames.UntilAsync(f => f.Step >= target);
    }

    /// <summary>The live session once nobody watches it any more, so it no longer steps.</summary>
    private static async Task<WorldSession> StoppedAsync(WorldDirectory directory, string worldId)
    {
        WorldSession session = directory.FindLive(worldId)!;
        for (int i = 0; i < 100 && session.Viewers > 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, session.Viewers);
        await Task.Delay(200);  // a tick that took the session before the viewer left finishes
        return session;
    }

    private static List<(long Step, Pose Pose, int Hits, bool Landmark, string Frame)> Describe(WorldMemory memory) =>
        memory.Entries.Select(e => (e.Step, e.Pose, e.Hits, e.Landmark, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(e.Encoded)))).ToList();

    private static string Recall(WorldMemory memory, Pose pose)
    {
        var into = new MemoryEntry?[2];
        int count = memory.Recall(pose, long.MaxValue, into);
        return string.Join(',', into.Take(count).Select(e => e!.Step));
    }

    private static IDbContextFactory<WorldWebDbContext> Db(WebApplicationFactory<server::Program> app) =>
        app.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
}
