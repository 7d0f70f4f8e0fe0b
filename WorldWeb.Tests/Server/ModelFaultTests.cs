using Microsoft.Extensions.Logging;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A model that fails or hangs mid-tick, on real schedulers ticking the tiny_faulty fixture (a real ONNX graph that
/// fails when a row turns right and loops for hours when one turns left; <see cref="RunTimeoutTests"/>).
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ModelFaultTests : IDisposable
{
    private const int Noop = 0, TurnLeftHangs = 2, TurnRightFails = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly ModelPackage _package = Fixtures.Load("tiny_faulty", new InferenceOptions { IntraOpThreads = 1 });
    private readonly LoadedModel _model;
    private readonly RecordingLogger _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Stack<IDisposable> _owned = [];

    public ModelFaultTests() => _model = new LoadedModel(_package);

    public void Dispose()
    {
        _stop.Cancel();
        // A run still in flight (a hang never terminated) would crash the test host if its session went under it.
        if (Task.WhenAll(_loops).Wait(Patience))
        {
            while (_owned.TryPop(out IDisposable? owned))
            {
                owned.Dispose();
            }
            _package.Dispose();
        }
    }

    [Fact]
    public async Task ARunFailingTickAfterTick_PausesTheModelsWorlds_LogsOnce_BacksOff_AndTheyGoOnWhenItRunsAgain()
    {
        StepScheduler scheduler = Create(new SteppingOptions { FailedTicksToPause = 3, RetryAfterSeconds = 0.2, RetryAtMostSeconds = 0.4 });
        WorldSession[] worlds = [Watched(scheduler, 1), Watched(scheduler, 2)];
        Task loop = Run(scheduler);
        await UntilAsync(() => worlds.All(w => w.Step >= 2));

        worlds[0].SubmitAction(TurnRightFails, 1, "player");
        await UntilAsync(() => scheduler.Fault.IsOutOfPlay);
        long[] pausedAt = [.. worlds.Select(w => w.Step)];
        int failedWhenSeen = scheduler.Fault.FailedInARow;
        // A window to count the retries in: waits of 0.2 s, then 0.4 s; at 20 ticks a second without them, 30 tries.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Contains("failed 3 ticks in a row and is out of play", Assert.Single(_log.Entries, e => e.Level == LogLevel.Error).Message);
        Assert.InRange(scheduler.Fault.FailedInARow - failedWhenSeen, 1, 8);
        Assert.Equal(pausedAt, worlds.Select(w => w.Step));
        Assert.Contains("out of play", scheduler.Fault.Describe());
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);

        worlds[0].SubmitAction(Noop, 2, "player");
        await UntilAsync(() => !scheduler.Fault.IsOutOfPlay && worlds.All(w => w.Step >= pausedAt.Max() + 2));
        Assert.Null(scheduler.Fault.Describe());
        Assert.DoesNotContain(worlds, w => w.IsClosed);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("runs again", StringComparison.Ordinal));
        await _stop.CancelAsync();
        await loop.WaitAsync(Patience);
    }

    [Fact]
    public async Task AHungRun_IsTerminatedAfterItsTimeout_SoAWorldOfItCanBeRemoved_AndAnotherModelStepsOnMeanwhile()
    {
        ModelPackage tinyPackage = Owned(Fixtures.Load("tiny", new InferenceOptions { IntraOpThreads = 1 }));
        StepScheduler hung = Create(new SteppingOptions { RunTimeoutSeconds = 2, FailedTicksToPause = 2, RetryAfterSeconds = 30 });
        StepScheduler other = Owned(TestSchedulers.Create(new LoadedModel(tinyPackage), subBatches: 1));
        WorldSession stuck = Watched(hung, 1), playing = Watched(other, 2);
        Task[] loops = [Run(hung), Run(other)];
        await UntilAsync(() => stuck.Step >= 1 && playing.Step >= 1);

        stuck.SubmitAction(TurnLeftHangs, 1, "player");
        long playingBefore = playing.Step;
        await UntilStillAsync(() => stuck.Step);  // the run holding TurnLeft is in flight
        await hung.RemoveAsync(stuck).WaitAsync(Patience);  // waits for the tick in flight, the hung run, until it is terminated
        await UntilAsync(() => hung.Fault.FailedInARow >= 1);

        Assert.Contains(nameof(StepTimeoutException), hung.Fault.Describe());
        Assert.Equal(0, hung.Sessions);
        Assert.True(playing.Step >= playingBefore + 5, $"the other model stepped {playing.Step - playingBefore} times while the run hung");
        await _stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(Patience);  // and the hung model's loop ends with the server
    }

    private Task Run(StepScheduler scheduler)
    {
        Task loop = scheduler.RunAsync(_stop.Token);
        _loops.Add(loop);
        return loop;
    }

    /// <summary>Disposed after the test, once its tick loops have ended.</summary>
    private T Owned<T>(T disposable) where T : IDisposable
    {
        _owned.Push(disposable);
        return disposable;
    }

    private StepScheduler Create(SteppingOptions stepping) => Owned(TestSchedulers.Create(_model, subBatches: 1, logger: _log, stepping: stepping));

    private static WorldSession Watched(StepScheduler scheduler, long seed)
    {
        WorldSession session = TestSchedulers.NewSession(scheduler.Model, seed);
        Assert.True(scheduler.TryAdd(session));
        Assert.NotNull(session.AddViewer());
        return session;
    }

    /// <summary>Until <paramref name="value"/> has not changed for 300 ms (six ticks).</summary>
    private static async Task UntilStillAsync(Func<long> value)
    {
        using var timeout = new CancellationTokenSource(Patience);
        (long seen, DateTime since) = (value(), DateTime.UtcNow);
        while (DateTime.UtcNow - since < TimeSpan.FromMilliseconds(300))
        {
            await Task.Delay(20, timeout.Token);
            if (value() != seen)
            {
                (seen, since) = (value(), DateTime.UtcNow);
            }
        }
    }

    private static async Task UntilAsync(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        DateTime giveUp = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
