using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class SteppingTests(WorldWebFactory factory)
{
    [Fact]
    public async Task OneTick_StepsEveryWatchedWorld_InOneBatchedRun()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        await using HubConnection connection = await owner.ConnectAsync();
        var streams = new List<FrameStream>();
        for (int i = 0; i < 3; i++)
        {
            CreatedWorld world = await owner.CreateWorldAsync(seed: 100 + i);
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            streams.Add(await FrameStream.OpenAsync(connection, world.Id));
        }
        foreach (FrameStream stream in streams)
        {
            await stream.UntilAsync(f => f.Step >= 3);
        }
        StepScheduler scheduler = factory.Services.GetRequiredService<StepSchedulers>()
            .For(factory.Services.GetRequiredService<ModelCatalog>().DefaultName);

        (long runs, long rows) = (scheduler.Runs, scheduler.RowsStepped);
        await Task.Delay(TimeSpan.FromSeconds(1));
        (long moreRuns, long moreRows) = (scheduler.Runs - runs, scheduler.RowsStepped - rows);

        Assert.True(moreRuns >= 5, $"only {moreRuns} runs in a second");
        Assert.True(moreRows >= 3 * moreRuns, $"{moreRows} world steps in {moreRuns} runs: not all three worlds per run");
        foreach (FrameStream stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task ActionLog_IsFlushedWithinASecond()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 77);
        await using HubConnection connection = await owner.ConnectAsync();
        WorldInfo info = await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await connection.InvokeAsync("SendAction", world.Id, 1, 1L);
        FrameMessage seen = await frames.UntilAsync(f => f.LastActionSeq == 1 && f.Step >= 5);

        // Timed by the server's clock: a chunk is stamped when it is written, a frame when it is sent. The test's own
        // clock would count its own scheduling on a loaded machine; it only gives up waiting.
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        List<ActionLogChunk> chunks;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (true)
            {
                await using WorldWebDbContext db = await contexts.CreateDbContextAsync(patience.Token);
                chunks = await db.ActionLog.Where(c => c.WorldId == world.Id).OrderBy(c => c.FirstStep).ToListAsync(patience.Token);
                if (chunks.Sum(c => c.Actions.Length) >= seen.Step)
                {
                    break;
                }
                await Task.Delay(50, patience.Token);
            }
        }
        byte[] logged = chunks.SelectMany(c => c.Actions).ToArray();
        Assert.Equal(1, chunks[0].FirstStep);
        TimeSpan late = chunks.Last(c => c.FirstStep <= seen.Step).WrittenAt - DateTimeOffset.FromUnixTimeMilliseconds(seen.ServerTimeMs);
        Assert.True(late < TimeSpan.FromSeconds(1), $"step {seen.Step} was logged {late.TotalSeconds:F2} s after its frame was sent");
        Assert.Equal(1, logged[(int)seen.Step - 1]);
        Assert.True(chunks.Count < logged.Length, "actions are written in batches, not one row per step");
    }
}
