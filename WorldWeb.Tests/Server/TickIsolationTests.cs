using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A fault of one world's own step takes that world out of play, and no other world of its model.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TickIsolationTests
{
    [Fact]
    public async Task AWorldWhoseContextNoLongerFits_IsTakenOutOfPlay_AndTheOthersStepOn()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        using StepScheduler scheduler = TestSchedulers.Create(model, subBatches: 2);
        WorldState genesis = WorldGenesis.Of(model, 1);
        // As a save made by an older model of the same name would: one frame more than this model's context.
        WorldState misfit = genesis with { Context = [.. genesis.Context, genesis.CurrentFrame] };
        WorldSession[] sessions = [NewSession(model, genesis, "a"), NewSession(model, misfit, "b"), NewSession(model, genesis, "c")];
        FrameViewer[] viewers = [.. sessions.Select(s => { scheduler.TryAdd(s); return s.AddViewer()!; })];

        int firstTick = await scheduler.TickAsync(CancellationToken.None);
        int secondTick = await scheduler.TickAsync(CancellationToken.None);

        Assert.Equal((2, 2), (firstTick, secondTick));
        Assert.Equal(2, scheduler.Sessions);
        Assert.Equal([2L, 0L, 2L], sessions.Select(s => s.Step));
        Assert.True(sessions[1].IsClosed);
        Assert.IsAssignableFrom<ArgumentException>(sessions[1].Fault);
        var ended = await Assert.ThrowsAsync<HubException>(async () => { await foreach (var _ in viewers[1].Reader.ReadAllAsync()) { } });
        Assert.Contains("open it again to resume it from its last save", ended.Message, StringComparison.Ordinal);
        Assert.False(sessions[0].IsClosed || sessions[2].IsClosed);
    }

    private static WorldSession NewSession(LoadedModel model, WorldState state, string id) =>
        new(id, 1, model, state, TestSchedulers.NewMemory(model), TimeProvider.System);
}
