using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tools.Bench;

/// <summary>
/// ./worldweb bench turnaround --model DIR [--seeds 1001-1006] [--spots 3] [--stand 0,50,200] [--same-wall 25]
/// [--recall-degrees D --novelty-degrees D --same-spot-degrees D] [--walk N] [--memory-format F] [--json OUT]: the user
/// test of issue 19 §3. From
/// true context facing a wall within paint reach (held-out mazes), turn right 180° (36 steps of 5°), stand S steps,
/// turn left 37 steps; the frames after 35, 36 and 37 left turns are scored against the view before turning. With
/// <c>--walk N</c> the model first plays the explorer's last N steps to the spot and the turns that face the wall, as
/// a player arrives on the play page (true context N steps back), and the view before turning is its own. At
/// each return: PSNR, the tracked heading error (the pose integrated from the model's pose_delta against the
/// reference world's under the same actions) and what <see cref="WorldMemory.Recall"/> gave the model's slots.
/// Memory on and off, in lockstep batches as the server steps (<see cref="Rollout"/>).
/// </summary>
public static class TurnaroundBenchCommand
{
    private const int Half = AgentPose.StepsPerTurn / 2;
    private static readonly int[] Backs = [Half - 1, Half, Half + 1];

    public static int Run(CommandArgs args)
    {
        var modelDir = args.RequiredText("model");
        var seeds = args.IntList("seeds", Enumerable.Range(1001, 6).ToList());
        var spots = args.Int("spots", 3);
        var stands = args.IntList("stand", [0, 50, 200]);
        var walk = args.Int("walk", 0);
        var sameWall = args.Double("same-wall", 25);
        var policy = MemoryFormatArgs.Read(args, Policy(args));
        var jsonPath = args.Text("json");
        args.EnsureAllRead();
        if (seeds.Any(s => s <= 1000)) throw new UsageException("--seeds must be held out: above 1000.");
        if (walk < 0) throw new UsageException("--walk must be 0 or more steps.");

        using var package = PackageOpener.Open(modelDir, new InferenceOptions(), NullLogger.Instance);
        using var model = package.CreateWorldModel();
        var memoryFrames = MemoryFormatArgs.Frames(policy, package);
        var k = package.Manifest.ContextFrames;
        var trials = new List<Trial>();
        foreach (var seed in seeds)
        {
            var trajectory = ReferenceTrajectory.Record(seed, 600);
            foreach (var (t, start) in WallSpots(trajectory, k + walk, spots))
            {
                var (from, wayIn) = trajectory.WayTo(t, start, walk);
                foreach (var stand in stands)
                {
                    List<WorldAction> actions = [.. wayIn, .. Enumerable.Repeat(WorldAction.TurnRight, Half), .. Enumerable.Repeat(WorldAction.Noop, stand),
                        .. Enumerable.Repeat(WorldAction.TurnLeft, Backs[^1])];
                    var reference = Replay(seed, from, actions);
                    foreach (var withMemory in new[] { true, false })
                    {
                        var world = World.Create(seed);
                        world.Pose = from;
                        var view = world.Render();
                        var context = Enumerable.Repeat(view, k).ToList();
                        var memory = withMemory ? new WorldMemory(policy, memoryFrames) : null;
                        for (var s = 0; s < k; s++) memory?.Remember(view, ReferenceTrajectory.ToPose(world.Pose), s);
                        var row = new RolloutRow((ulong)seed * 7919 + (ulong)trials.Count / 2, k, context, ReferenceTrajectory.ToPose(world.Pose),
                            [.. actions.Select(a => (int)a)], memory);
                        trials.Add(new Trial(seed, start, world.Pose, stand, withMemory, wayIn.Count, view, reference, row));
                    }
                }
            }
        }
        var clock = Stopwatch.StartNew();
        new Rollout(model).Run([.. trials.Select(t => t.Row)]);
        var slots = package.Manifest.MemorySlots;
        var returns = trials.SelectMany(t => Backs.Select(b => Judge(t, b, k, slots, policy))).ToList();
        var json = JsonSerializer.Serialize(new
        {
            benchmark = "turnaround",
            model = package.Manifest.Version,
            seeds,
            stands,
            policy = new { policy.RecallCells, policy.RecallDegrees, policy.NoveltyCells, policy.NoveltyDegrees, policy.SameSpotCells, policy.SameSpotDegrees },
            memory_format = memoryFrames.Description,
            same_wall_db = sameWall,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            summary = Summary(returns, sameWall),
            psnr_histogram = Histogram(returns),
            returns,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }

    private static MemoryPolicy Policy(CommandArgs args)
    {
        var defaults = new MemoryPolicy();
        return new MemoryPolicy
        {
            RecallDegrees = args.Double("recall-degrees", defaults.RecallDegrees),
            NoveltyDegrees = args.Double("novelty-degrees", defaults.NoveltyDegrees),
            SameSpotDegrees = args.Double("same-spot-degrees", defaults.SameSpotDegrees),
        };
    }

    /// <summary>Poses along the explorer's walk (and their steps), one every 60 steps from <paramref name="first"/>, turned to the first right angle that faces a wall within paint reach.</summary>
    private static IEnumerable<(int Step, AgentPose Pose)> WallSpots(ReferenceTrajectory trajectory, int first, int count)
    {
        var world = World.Create(trajectory.World.Seed);
        var found = 0;
        for (var t = first; t < trajectory.Length && found < count; t += 60)
        {
            var at = trajectory.AgentPoses[t];
            foreach (var q in Enumerable.Range(0, 4))
            {
                var pose = at with { HeadingSteps = q * AgentPose.StepsPerTurn / 4 };
                if (world.FaceAhead(pose) is null) continue;
                found++;
                yield return (t, pose);
                break;
            }
        }
    }

    private static List<(byte[] Frame, AgentPose Pose)> Replay(int seed, AgentPose from, List<WorldAction> actions)
    {
        var world = World.Create(seed);
        world.Pose = from;
        return [.. actions.Select(a => { world.Apply(a); return (world.Render(), world.Pose); })];
    }

    private static Return Judge(Trial t, int back, int contextFrames, int slots, MemoryPolicy policy)
    {
        var w = t.WayIn;
        var h = w + Half + t.Stand + back - 1;
        var headingError = HeadingError(t, h);
        // The view the player left: the model's own frame at the spot after a way in, the world's when it began there.
        var left = w == 0 ? t.View : t.Row.Frames[w - 1];
        var worldLeft = w == 0 ? t.View : t.Reference[w - 1].Frame;
        var truth = ReferenceTrajectory.ToPose(t.Reference[h].Pose);
        var tracked = t.Row.Poses[h];
        Recalled[] recalled = [];
        if (t.Row.Memory is { } memory)
        {
            // What the model's slots held for this frame: the feed's query, replayed on the final memory (the
            // entries written later are after its step bound, and nothing was evicted in so short a run).
            var previous = h == 0 ? t.Row.StartPose : t.Row.Poses[h - 1];
            var step = t.Row.FirstStep + h;
            var into = new MemoryEntry?[slots];
            var n = memory.Recall(previous, step - contextFrames - policy.RecallGap + 1, into);
            recalled = [.. into.Take(n).Select(e => Describe(e!, previous, t, contextFrames))];
        }
        return new Return(t.Seed, t.Start.X, t.Start.Y, t.Start.HeadingSteps, t.Stand, back, t.Memory,
            Round(FrameQuality.Psnr(t.Row.Frames[h], left)), Round(FrameQuality.Psnr(t.Reference[h].Frame, worldLeft)),
            Round(FrameQuality.Psnr(t.Row.Frames[h], t.Reference[h].Frame)), Round(headingError),
            Round(HeadingError(t, w + Half - 1)), Round(headingError - (w == 0 ? 0 : HeadingError(t, w - 1))),
            Round(Math.Sqrt(Math.Pow(tracked.X - truth.X, 2) + Math.Pow(tracked.Y - truth.Y, 2))), recalled);
    }

    /// <summary>The tracked heading after step <paramref name="h"/> less the world's, in degrees.</summary>
    private static double HeadingError(Trial t, int h) =>
        Degrees(Angles.Wrap(t.Row.Poses[h].Heading - ReferenceTrajectory.ToPose(t.Reference[h].Pose).Heading));

    /// <summary>A recalled entry: where it was written (step after the start, tracked and true heading) and how far and how turned it is from the query.</summary>
    private static Recalled Describe(MemoryEntry entry, Pose query, Trial t, int contextFrames)
    {
        var h = (int)entry.Step - contextFrames;
        var trueHeading = h < 0 ? t.From.Heading : t.Reference[h].Pose.Heading;
        var distance = Math.Sqrt(Math.Pow(entry.Pose.X - query.X, 2) + Math.Pow(entry.Pose.Y - query.Y, 2));
        return new Recalled(h + 1, Round(Degrees(Angles.Wrap(entry.Pose.Heading - t.Start.Heading))),
            Round(Degrees(Angles.Wrap(trueHeading - t.Start.Heading))), Round(distance), Round(Degrees(Angles.Wrap(entry.Pose.Heading - query.Heading))));
    }

    private static IEnumerable<object> Summary(List<Return> returns, double sameWall) =>
        returns.GroupBy(r => (r.Memory, r.Stand, r.Back)).OrderByDescending(g => g.Key.Memory).ThenBy(g => g.Key.Stand).ThenBy(g => g.Key.Back).Select(g => new
        {
            memory = g.Key.Memory,
            stand = g.Key.Stand,
            back = g.Key.Back,
            trials = g.Count(),
            same_wall = Round(g.Count(r => r.Psnr >= sameWall) / (double)g.Count()),
            same_wall_against_world = Round(g.Count(r => r.PsnrAgainstWorld >= sameWall) / (double)g.Count()),
            psnr_mean = Round(g.Average(r => r.Psnr)),
            psnr_median = Round(Median(g.Select(r => r.Psnr))),
            psnr_against_world_mean = Round(g.Average(r => r.PsnrAgainstWorld)),
            reference_psnr_mean = Round(g.Average(r => r.ReferencePsnr)),
            heading_error_mean_abs = Round(g.Average(r => Math.Abs(r.HeadingErrorDegrees))),
            heading_error_max_abs = Round(g.Max(r => Math.Abs(r.HeadingErrorDegrees))),
            turn_heading_error_mean_abs = Round(g.Average(r => Math.Abs(r.TurnHeadingErrorDegrees))),
            slots_empty = Round(g.Count(r => r.Memory && r.Recalled.Length == 0) / (double)g.Count()),
            first_slot_is_start_view = Round(g.Count(r => r.Recalled.Length > 0 && r.Recalled[0].WrittenAt <= 0) / (double)g.Count()),
        });

    /// <summary>
    /// Returns per 2.5 dB bin of PSNR against the world's view at the true pose (for 36 steps back, the view before
    /// turning), memory on and off: where "same wall" splits.
    /// </summary>
    private static IEnumerable<object> Histogram(List<Return> returns) =>
        returns.GroupBy(r => Math.Floor(r.PsnrAgainstWorld / 2.5) * 2.5).OrderBy(g => g.Key)
            .Select(g => new { from_db = g.Key, memory_on = g.Count(r => r.Memory), memory_off = g.Count(r => !r.Memory) });

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Degrees(double radians) => radians * 180 / Math.PI;

    private static double Round(double value) => Math.Round(value, 3);

    private sealed record Trial(int Seed, AgentPose Start, AgentPose From, int Stand, bool Memory, int WayIn, byte[] View, List<(byte[] Frame, AgentPose Pose)> Reference, RolloutRow Row);

    /// <summary>
    /// One return: PSNR of the model's frame and the world's own against the view before turning, the model's against
    /// the world's at the same true pose, tracked heading error at the return and at the half turn, the part of it the
    /// turn added (after a way in, the error at the spot taken off), and the recall.
    /// </summary>
    private sealed record Return(int Seed, double X, double Y, int HeadingSteps, int Stand, int Back, bool Memory, double Psnr, double ReferencePsnr,
        double PsnrAgainstWorld, double HeadingErrorDegrees, double HalfTurnHeadingErrorDegrees, double TurnHeadingErrorDegrees,
        double PositionErrorCells, Recalled[] Recalled);

    /// <summary>
    /// <see cref="WrittenAt"/>: the step after the start it was written at (≤ 0: one of the true context frames);
    /// headings in degrees from the start heading, as tracked and as true; distance and turn from the recall's query pose.
    /// </summary>
    private sealed record Recalled(int WrittenAt, double TrackedHeading, double TrueHeading, double Distance, double Turn);
}
