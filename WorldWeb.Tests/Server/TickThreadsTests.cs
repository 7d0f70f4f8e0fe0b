using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>Runs alone: it holds up the whole thread pool of the test process for two seconds.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeldPoolCollection
{
    public const string Name = "held pool";
}

/// <summary>A model's ticks run on its own threads, so work queued in the thread pool does not hold up its worlds.</summary>
[Collection(HeldPoolCollection.Name)]
[Trait(Category.Name, Category.Unit)]
public sealed class TickThreadsTests(ITestOutputHelper output)
{
    [Fact]
    public void ForEach_RunsEveryPartOnce_PartZeroOnTheCaller_AndRethrowsAFailureAfterAllHaveEnded()
    {
        using var threads = new TickThreads("test", 3);
        var ranOn = new Thread?[3];
        threads.ForEach(3, part => ranOn[part] = Thread.CurrentThread);
        Assert.Same(Thread.CurrentThread, ranOn[0]);
        Assert.All(ranOn, Assert.NotNull);

        int ended = 0;
        var failure = Assert.Throws<InvalidOperationException>(() => threads.ForEach(3, part =>
        {
            Thread.Sleep(part == 2 ? 200 : 0);
            Interlocked.Increment(ref ended);
            if (part == 1)
            {
                throw new InvalidOperationException("part 1 failed");
            }
        }));
        Assert.Equal("part 1 failed", failure.Message);
        Assert.Equal(3, ended);
    }

    [Fact]
    public Task WorldsStep_WhileEveryPoolThreadIsBusy() => HoldThePoolAsync(barTheRate: false);

    /// <summary>The same, with the rate barred: on time, not only on. Beside the whole suite the cores are not the worlds' alone.</summary>
    [PerfFact]
    [Trait(Category.Name, Category.Perf)]
    public Task WorldsStepOnTime_WhileEveryPoolThreadIsBusy() => HoldThePoolAsync(barTheRate: true);

    private async Task HoldThePoolAsync(bool barTheRate)
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        // Two sub-batches, so each tick also needs a second thread for its other half.
        using StepScheduler scheduler = TestSchedulers.Create(model, subBatches: 2);
        WorldSession[] worlds = [TestSchedulers.NewSession(model, 0), TestSchedulers.NewSession(model, 1)];
        foreach (WorldSession world in worlds)
        {
            scheduler.TryAdd(world);
            world.AddViewer();
        }
        using var stop = new CancellationTokenSource();
        Task running = scheduler.RunAsync(stop.Token);
        while (worlds[0].Step < 10)
        {
            await Task.Delay(10);
        }

        // More blocking work items than the pool has threads: it adds threads slowly, and each new one takes the
        // oldest item first, so anything queued after them waits until they are released.
        // Never disposed: items still queued when the test ends run later, and must find it set, not disposed (one that
        // waited on a disposed event crashed the test host of a loaded CI run).
        var release = new ManualResetEventSlim();
        for (int i = 0; i < ThreadPool.ThreadCount + 64; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => release.Wait(), null);
        }
        // Not awaited: this thread must not need the pool either. The rate wants a window of time; the plain test
        // waits for ten steps (a tick that needed the pool would make none until the pool caught up, tens of seconds).
        const int Steps = 10;
        long from = worlds[0].Step;
        var clock = Stopwatch.StartNew();
        if (barTheRate)
        {
            Thread.Sleep(TimeSpan.FromSeconds(2));
        }
        else
        {
            while (worlds[0].Step < from + Steps && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }
        }
        long stepped = worlds[0].Step - from;
        double fps = stepped / clock.Elapsed.TotalSeconds;
        int poolThreads = ThreadPool.ThreadCount;
        long queued = ThreadPool.PendingWorkItemCount;
        release.Set();
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        output.WriteLine($"{stepped} steps at {fps:F1} of {model.Manifest.Fps} fps with {poolThreads} pool threads busy and {queued} work items queued");
        Assert.True(queued > 0, "the pool caught up with the blocking work: nothing was held up");
        if (barTheRate)
        {
            Assert.True(fps >= 0.9 * model.Manifest.Fps, $"the worlds stepped at {fps:F1} fps while the pool was busy");
        }
        else
        {
            Assert.True(stepped >= Steps, $"the worlds stepped {stepped} times in {clock.Elapsed.TotalSeconds:F1} s while the pool was busy");
        }
        Assert.Equal(worlds[0].Step, worlds[1].Step);
    }
}
