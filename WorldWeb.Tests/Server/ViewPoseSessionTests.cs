using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A world of a model that reads where the player stands starts where its start state was seen from, and each step
/// feeds the graph the pose the server tracks (tiny_view_pose adds 0.001 · view_pose to its pose_delta).
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ViewPoseSessionTests
{
    [Fact]
    public void ANewWorld_StartsAtItsStartsPose_AndEachStepFeedsTheTrackedPose()
    {
        using var package = Fixtures.Load("tiny_view_pose");
        var loaded = new LoadedModel(package);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(1);
        var session = new WorldSession("posed", 4, loaded, WorldGenesis.Of(loaded, 4), TestSchedulers.NewMemory(loaded), TimeProvider.System);
        Pose start = session.Capture().Pose;

        ReadOnlySpan<float> first = Step(session, model, batch, action: 0);
        Pose afterNoop = session.Capture().Pose;
        ReadOnlySpan<float> second = Step(session, model, batch, action: 1);

        Assert.Equal(package.StartPose(4 % 3), start);  // seed 4 of 3 starts: start 1, (2.5, 2.5, π/2)
        Assert.Equal(new Pose(2.5, 2.5, (float)(Math.PI / 2)), start);
        Close([0.0025f, 0.0025f, 0.001f * (float)(Math.PI / 2)], first);
        Assert.Equal(start, afterNoop);  // a noop moves nobody, whatever pose_delta says
        Close([0.1f + 0.0025f, 0.02f + 0.0025f, 0.05f + 0.001f * (float)(Math.PI / 2)], second);
    }

    private static void Close(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }

    private static float[] Step(WorldSession session, WorldModel model, StepBatch batch, int action)
    {
        batch.Clear();
        session.FillRow(batch, batch.AddRow(), action);
        model.Step(batch);
        float[] delta = batch.PoseDelta(0).ToArray();
        session.Advance(batch, 0);
        return delta;
    }
}
