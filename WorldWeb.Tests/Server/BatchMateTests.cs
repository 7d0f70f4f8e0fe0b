using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;
using WorldWeb.Server.Models;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A world's frames depend on its seed and actions only, never on the worlds that share its batch.</summary>
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

        List<byte[]> alone = Run(worldModel, batch, [NewSession(model, 3)], 0);
        List<byte[]> withMates = Run(worldModel, batch, [NewSession(model, 8), NewSession(model, 3), NewSession(model, 5)], 1);

        Assert.Equal(alone, withMates);
        Assert.NotEqual(alone[0], alone[^1]);
    }

    [Fact]
    public void Replay_InBatchesOfOne_RegeneratesTheFramesStepsInABatchMade()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        using WorldModel worldModel = package.CreateWorldModel();
        using StepBatch batch = worldModel.CreateBatch(4);
        List<byte[]> batched = Run(worldModel, batch, [NewSession(model, 6), NewSession(model, 3)], 1);

        WorldSession replayed = NewSession(model, 3);
        using var replayer = new WorldReplayer();
        replayer.Replay(replayed, Enumerable.Range(0, Steps).Select(s => (byte)Action(s, model)).ToArray());

        Assert.Equal(Steps, replayed.Step);
        Assert.Equal(batched[^1], replayed.Capture().CurrentFrame);
    }

    private static WorldSession NewSession(LoadedModel model, long seed) =>
        new($"{seed:x16}", (ulong)seed, model, WorldDirectory.Genesis(model, seed),
            new WorldMemory(new MemoryPolicy(), model.Manifest.Frame.Width, model.Manifest.Frame.Height), TimeProvider.System);

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
