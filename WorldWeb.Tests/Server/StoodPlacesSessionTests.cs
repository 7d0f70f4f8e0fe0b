using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The server's world takes a step the pose head read as stopped as the full step where it ends on a place its
/// player has stood, and only there (the shipped model's frames, pose heads as given).
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class StoodPlacesSessionTests : IDisposable
{
    private readonly ModelPackage _package = ModelPackage.Load(TestEnvironment.ShippedModelFolder, new InferenceOptions(), NullLogger.Instance);
    private readonly WorldModel _model;
    private readonly StepBatch _batch;

    public StoodPlacesSessionTests()
    {
        _model = _package.CreateWorldModel();
        _batch = _model.CreateBatch(1);
    }

    [Fact]
    public void AStepReadAsStopped_OntoAPlaceStoodOn_IsTheFullStep_OntoNewGroundItStops()
    {
        var loaded = new LoadedModel(_package);
        var session = new WorldSession("stood", 5, loaded, WorldGenesis.Of(loaded, 5), TestSchedulers.NewMemory(loaded), TimeProvider.System, new CoherenceOptions());
        int forward = ActionSpec.IndexOf(loaded.Manifest.Actions, "forward"), backward = ActionSpec.IndexOf(loaded.Manifest.Actions, "backward");
        Pose start = session.Capture().Pose;

        Pose ahead = Step(session, forward, [0.1f, 0, 0]);
        Pose back = Step(session, backward, [-0.1f, 0, 0]);
        Pose again = Step(session, forward, [0.002f, 0, 0]);   // read as stopped, onto the place stood on a step ago
        Pose beyond = Step(session, forward, [0.002f, 0, 0]);  // read as stopped, onto new ground

        Assert.Equal(0.1, ahead.DistanceTo(start), 9);
        Assert.Equal(0, back.DistanceTo(start), 9);
        Assert.Equal(0, again.DistanceTo(ahead), 9);
        Assert.Equal(again, beyond);
        Assert.Equal(2, session.Capture().Memory.StoodPlaces.Count);  // the start was never offered: the world began there
    }

    private Pose Step(WorldSession session, int action, float[] poseDelta)
    {
        _batch.Clear();
        session.FillRow(_batch, _batch.AddRow(), action);
        _model.Step(_batch);
        session.Advance(_batch.Frame(0), poseDelta);
        return session.Capture().Pose;
    }

    public void Dispose()
    {
        _batch.Dispose();
        _model.Dispose();
        _package.Dispose();
    }
}
