using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A tick's frames are encoded and published while the next tick steps, and still leave in order.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TickPipelineTests
{
    [Fact]
    public async Task TheNextTickSteps_WhileThePreviousTicksFramesAreStillGoingOut_AndFramesLeaveInOrder()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions(), NullLogger.Instance);
        var model = new LoadedModel(package);
        // A meter of this test's own: its listener holds up this scheduler's publishing and no other test's.
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using StepScheduler scheduler = TestSchedulers.Create(model, subBatches: 1, meters);
        // The tick metric is recorded after a tick's frames are offered: blocking it holds that tick's publishing open.
        using var publishing = new SemaphoreSlim(0);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == StepMetrics.TickInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => publishing.Wait(TimeSpan.FromSeconds(30)));
        listener.Start();
        WorldSession session = TestSchedulers.NewSession(model, 1);
        scheduler.TryAdd(session);
        FrameViewer viewer = session.AddViewer()!;

        Task<int> first = scheduler.TickAsync(CancellationToken.None);
        FrameMessage firstFrame = await viewer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Task<int> second = scheduler.TickAsync(CancellationToken.None);
        await WaitUntil(() => session.Step == 2);

        Assert.Equal(1, firstFrame.Step);
        Assert.False(first.IsCompleted, "the first tick's publishing was held open, so its TickAsync must not have returned");
        Assert.False(viewer.Reader.TryRead(out _), "the second tick's frame went out before the first tick's publishing ended");
        publishing.Release(2);
        Assert.Equal((1, 1), (await first.WaitAsync(TimeSpan.FromSeconds(30)), await second.WaitAsync(TimeSpan.FromSeconds(30))));
        Assert.Equal(2, (await viewer.Reader.ReadAsync()).Step);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
