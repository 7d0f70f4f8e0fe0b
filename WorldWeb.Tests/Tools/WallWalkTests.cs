using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.Tests.Server;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Eval;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Tools;

/// <summary>
/// Held forward into walls from the world's own frames (48 walks of 80 steps on held-out mazes, a third of whose
/// steps the world stops), as <see cref="Rollout"/> plays for eval: where the model's frame stands still the tracked
/// pose does too. Prints how far the tracked pose ends from the world's: the model mostly draws a walk on through
/// the wall, which no rule of tracking catches (2.4 cells after 80 steps for 0.2.8, docs/server.md). The shipped model,
/// or the package in WORLDWEB_WALL_WALK_MODEL, to measure another.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class WallWalkTests(ITestOutputHelper output)
{
    [Fact]
    public void Where_the_frame_stands_still_under_a_move_the_tracked_pose_does_too()
    {
        string folder = Environment.GetEnvironmentVariable("WORLDWEB_WALL_WALK_MODEL") ?? TestEnvironment.ShippedModelFolder;
        using var package = PackageOpener.Open(folder, new InferenceOptions(), NullLogger.Instance);
        using var model = package.CreateWorldModel();
        var policy = new MemoryPolicy();
        int k = package.Manifest.ContextFrames, steps = 80;
        var walks = new List<(RolloutRow Row, List<Pose> World)>();
        foreach (var seed in Enumerable.Range(1001, 16))
        {
            var trajectory = ReferenceTrajectory.Record(seed, 501);
            foreach (var t in new[] { 100, 300, 500 })
            {
                var world = World.Create(seed);
                world.Pose = trajectory.AgentPoses[t];
                var truth = new List<Pose>();
                for (var i = 0; i < steps; i++)
                {
                    world.Apply(WorldAction.Forward);
                    truth.Add(ReferenceTrajectory.ToPose(world.Pose));
                }
                var memory = new WorldMemory(policy, MemoryFormatArgs.Frames(policy, package));
                for (var s = t - k + 1; s <= t; s++) memory.Remember(trajectory.Frames[s], trajectory.Poses[s], s);
                walks.Add((new RolloutRow((ulong)(seed * 31 + t), t + 1, [.. trajectory.Frames.Skip(t - k + 1).Take(k)], trajectory.Poses[t],
                    [.. Enumerable.Repeat((int)WorldAction.Forward, steps)], memory), truth));
            }
        }

        new Rollout(model).Run([.. walks.Select(w => w.Row)]);

        int still = 0, worldStopped = 0;
        foreach (var (row, truth) in walks)
        {
            for (var i = 1; i < steps; i++)
            {
                worldStopped += Distance(truth[i], truth[i - 1]) < 0.02 ? 1 : 0;
                if (row.Frames[i].AsSpan().SequenceEqual(row.Frames[i - 1]))
                {
                    still++;
                    Assert.Equal(0, Distance(row.Poses[i], row.Poses[i - 1]));
                }
            }
        }
        Assert.True(still > 20, $"only {still} frames stood still");
        output.WriteLine($"{package.Manifest.Version}: {walks.Count} walks of {steps} steps: the world stopped the player on {worldStopped} steps, the model's " +
            $"frame stood still on {still}; the tracked pose ended {walks.Average(w => Distance(w.Row.Poses[^1], w.World[^1])):F2} cells from the world's");
    }

    private static double Distance(Pose a, Pose b) => double.Hypot(a.X - b.X, a.Y - b.Y);
}
