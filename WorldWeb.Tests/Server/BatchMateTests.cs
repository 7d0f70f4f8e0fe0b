using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A world's frames depend on its seed and actions only, never on the worlds that share its batch.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class BatchMateTests
{
    private const int Steps = 12;

    [Fact]
    public void Frames_AloneOrWithBatchMates_AreBitIdentical()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        using WorldModel worldModel = package.CreateWorldModel();
        using StepBatch batch = worldModel.CreateBatch(4);

        List<byte[]> alone = Run(worldModel, batch, [TestSchedulers.NewSession(model, 3)], 0);
        List<byte[]> withMates = Run(worldModel, batch, [TestSchedulers.NewSession(model, 8), TestSchedulers.NewSession(model, 3), TestSchedulers.NewSession(model, 5)], 1);

        Assert.Equal(alone, withMates);
        Assert.NotEqual(alone[0], alone[^1]);
    }

    [Fact]
    public async Task Replay_InBatchesOfOne_RegeneratesTheFramesStepsInABatchMade()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        using WorldModel worldModel = package.CreateWorldModel();
        using StepBatch batch = worldModel.CreateBatch(4);
        List<byte[]> batched = Run(worldModel, batch, [TestSchedulers.NewSession(model, 6), TestSchedulers.NewSession(model, 3)], 1);

        WorldSession replayed = TestSchedulers.NewSession(model, 3);
        using var replayer = new WorldReplayer();
        await replayer.ReplayAsync(replayed, Enumerable.Range(0, Steps).Select(s => (byte)Action(s, model)).ToArray());

        Assert.Equal(Steps, replayed.Step);
        Assert.Equal(batched[^1], replayed.Capture().CurrentFrame);
    }

    [Fact]
    public async Task Scheduler_SplittingATickIntoSubBatches_StepsTheSameFrames()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions { IntraOpThreads = 1 }, NullLogger.Instance);
        var model = new LoadedModel(package);

        List<byte[]> whole = await TickAsync(model, subBatches: 1);
        List<byte[]> split = await TickAsync(model, subBatches: 3);

        Assert.Equal(whole, split);
        Assert.Equal(5, whole.Distinct(new ByteArrayComparer()).Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Scheduler_KeepingContextsInEachSubBatchsPool_StepsTheSameFrames(bool cudaGraphs)
    {
        // Pooled as on a GPU, on CPU memory; worlds change sub-batch as they come due, and a pool that lacks one uploads it.
        // With cudaGraphs, the sub-batches' fixed bindings share the pool session and take turns replaying.
        using var plain = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions { ContextPooling = ContextPooling.Off }, NullLogger.Instance);
        using var pooled = ModelPackage.Load(TestEnvironment.ModelFolder,
            new InferenceOptions { ContextPooling = ContextPooling.On, CudaGraphs = cudaGraphs }, NullLogger.Instance);
        Assert.True(pooled.PoolsContexts, $"{TestEnvironment.ModelFolder} has a context pool graph (export.py writes one)");
        Assert.Equal(cudaGraphs, pooled.ReplaysSteps);

        Assert.Equal(await TickAsync(new LoadedModel(plain), subBatches: 1), await TickAsync(new LoadedModel(pooled), subBatches: 2));
    }

    /// <summary>Five worlds ticked <see cref="Steps"/> times by a real scheduler; returns each world's last frame.</summary>
    private static async Task<List<byte[]>> TickAsync(LoadedModel model, int subBatches)
    {
        using StepScheduler scheduler = TestSchedulers.Create(model, subBatches);
        WorldSession[] sessions = [.. Enumerable.Range(0, 5).Select(i => TestSchedulers.NewSession(model, 20 + i))];
        foreach (WorldSession session in sessions)
        {
            scheduler.TryAdd(session);
            session.AddViewer();
        }
        for (int step = 0; step < Steps; step++)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i].SubmitAction((step / 3 + i) % model.Actions.Count, step + 1, "test");
            }
            Assert.Equal(sessions.Length, await scheduler.TickAsync(CancellationToken.None));
        }
        return [.. sessions.Select(s => s.Capture().CurrentFrame)];
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes) => bytes.Length;
    }


    private static int Action(int step, LoadedModel model) => step / 3 % model.Actions.Count;

    /// <summary>Steps all sessions together; returns the frames of the one in row <paramref name="watchedRow"/>.</summary>
    private static List<byte[]> Run(WorldModel worldModel, StepBatch batch, WorldSession[] sessions, int watchedRow)
    {
        var frames = new List<byte[]>();
        for (int step = 0; step < Steps; step++)
        {
            batch.Clear();
            for (int i = 0; i < sessions.Length; i++)
            {
                int action = i == watchedRow ? Action(step, sessions[i].Model) : (step + i) % sessions[i].Model.Actions.Count;
                sessions[i].FillRow(batch, batch.AddRow(), action);
            }
            worldModel.Step(batch);
            for (int i = 0; i < sessions.Length; i++)
            {
                byte[] rgb = sessions[i].Advance(batch, i);
                if (i == watchedRow)
                {
                    frames.Add(rgb);
                }
            }
        }
        return frames;
    }
}
