using Microsoft.ML.OnnxRuntime;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Stepping;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// The tiny_faulty fixture (make_fixture_models.py): a real graph that fails to run when a row turns right and loops
/// for hours when a row turns left; its other actions step as the tiny graph does.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class RunTimeoutTests
{
    private const int Noop = 0, TurnLeftHangs = 2, TurnRightFails = 3;

    /// <summary>Far beyond the timeout, so that only a run that was never terminated misses it, however loaded the machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Step_ARunThatOutlastsItsTimeout_IsTerminated_AndTheNextRunSucceeds()
    {
        // Not disposed with `using`: a run never terminated must not have its session freed under it (that crashes the host).
        ModelPackage package = Fixtures.Load("tiny_faulty");
        WorldModel model = package.CreateWorldModel(runTimeout: TimeSpan.FromMilliseconds(300));
        StepBatch batch = Batch(model, package, TurnLeftHangs);
        Task hung = Task.Run(() => model.Step(batch));

        Assert.True(await Task.WhenAny(hung, Task.Delay(Patience)) == hung, "the run was not terminated");
        var timedOut = await Assert.ThrowsAsync<StepTimeoutException>(() => hung);
        Assert.Equal(TimeSpan.FromMilliseconds(300), timedOut.Timeout);
        using StepBatch next = Batch(model, package, Noop);
        await Task.Run(() => model.Step(next)).WaitAsync(Patience);  // the terminate flag was cleared after the run it stopped
        Assert.InRange(next.Frame(0)[0], 0f, 1f);
        batch.Dispose();
        model.Dispose();
        package.Dispose();
    }

    [Fact]
    public void Step_ARunThatFails_ThrowsOnnxRuntimeException_NotATimeout()
    {
        using ModelPackage package = Fixtures.Load("tiny_faulty");
        using WorldModel model = package.CreateWorldModel(runTimeout: TimeSpan.FromSeconds(30));
        using StepBatch batch = Batch(model, package, TurnRightFails);

        Assert.Throws<OnnxRuntimeException>(() => model.Step(batch));
    }

    private static StepBatch Batch(WorldModel model, ModelPackage package, int action)
    {
        StepBatch batch = model.CreateBatch(2);
        int row = batch.AddRow();
        batch.SetContext(row, package.Start(0));
        batch.SetAction(row, action);
        return batch;
    }
}
