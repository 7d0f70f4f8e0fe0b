using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>
/// After a failover a node resumes the dead node's worlds all at once, each replaying its log. The resumes run where
/// Orleans runs grain calls, beside its membership probes; a replay that held its caller's thread until its turn (or
/// stepped on it) would keep the probes waiting behind every replay, and the survivors would declare each other dead.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class MassResumeTests
{
    private const int Worlds = 40, LoggedSteps = 60;

    [Fact]
    public async Task FortyResumesAtOnce_LeaveTheirSchedulerFree_AndEachReplaysItsWholeLog()
    {
        using var package = ModelPackage.Load(TestEnvironment.ModelFolder, new InferenceOptions { IntraOpThreads = 1 }, NullLogger.Instance);
        var model = new LoadedModel(package);
        using var replayer = new WorldReplayer();
        // One thread's worth of scheduler, as a busy silo's is: what runs on it waits for what was queued before.
        TaskScheduler silo = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ConcurrentScheduler;
        WorldSession[] sessions = [.. Enumerable.Range(0, Worlds).Select(seed => TestSchedulers.NewSession(model, seed))];
        byte[] log = [.. Enumerable.Range(0, LoggedSteps).Select(s => (byte)(s % package.Manifest.Actions.Count))];
        int replayed = 0;

        Task[] resumes = [.. sessions.Select(session => OnAsync(silo, async () =>
        {
            await replayer.ReplayAsync(session, log);
            Interlocked.Increment(ref replayed);
        }))];
        int replayedWhenProbed = await OnAsync(silo, () => Task.FromResult(Volatile.Read(ref replayed)));
        await Task.WhenAll(resumes);

        // Queued after all forty, the probe ran while nearly all of them still waited for their turn.
        Assert.True(replayedWhenProbed < Worlds / 4, $"the probe waited until {replayedWhenProbed} of {Worlds} replays were done");
        Assert.All(sessions, session => Assert.Equal(LoggedSteps, session.Step));
    }

    private static Task<T> OnAsync<T>(TaskScheduler scheduler, Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap();

    private static Task OnAsync(TaskScheduler scheduler, Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap();
}
