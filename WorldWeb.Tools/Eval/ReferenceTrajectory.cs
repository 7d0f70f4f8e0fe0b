using WorldWeb.Inference.Poses;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// What the reference world showed along a walk: frames[t] (RGB24 and float CHW) and poses[t] after
/// actions[t] was applied; actions[0] is noop and frames[0] the initial view (the shard convention).
/// </summary>
public sealed class ReferenceTrajectory
{
    private ReferenceTrajectory(World world, List<byte[]> frames, List<AgentPose> poses, List<int> actions)
    {
        World = world;
        Frames = frames;
        AgentPoses = poses;
        Poses = poses.Select(ToPose).ToList();
        Actions = actions;
    }

    public World World { get; }
    public IReadOnlyList<byte[]> Frames { get; }
    public IReadOnlyList<Pose> Poses { get; }
    public IReadOnlyList<AgentPose> AgentPoses { get; }
    public IReadOnlyList<int> Actions { get; }
    public int Length => Frames.Count;

    /// <summary>
    /// Walks the world with the given actions, or with the exploring policy when none are given (painting only when
    /// <paramref name="paints"/>: a model without the paint action is measured on the walks it was made for).
    /// </summary>
    public static ReferenceTrajectory Record(int seed, int steps, IReadOnlyList<WorldAction>? actions = null, bool paints = false)
    {
        var world = World.Create(seed);
        var explorer = new Explorer(world, seed, paints);
        var frames = new List<byte[]>();
        var poses = new List<AgentPose>();
        var taken = new List<int>();
        var count = actions is null ? steps : actions.Count + 1;
        for (var t = 0; t < count; t++)
        {
            var action = t == 0 ? WorldAction.Noop : actions?[t - 1] ?? explorer.Next();
            world.Apply(action);
            taken.Add((int)action);
            frames.Add(world.Render());
            poses.Add(world.Pose);
        }
        return new ReferenceTrajectory(world, frames, poses, taken);
    }

    public static Pose ToPose(AgentPose pose) => new(pose.X, pose.Y, pose.Heading);

    /// <summary>
    /// Where a player who walked this way begins and the actions that take them to <paramref name="spot"/>, a pose at
    /// step <paramref name="t"/> turned to face something: the walk's last <paramref name="steps"/> steps before it
    /// (its paints taken as noops, so that no mark is made on the way) and the turn to the spot's heading. No steps:
    /// the player begins at the spot. The measures use it to judge the model from its own play, as players see it.
    /// </summary>
    public (AgentPose From, List<WorldAction> Way) WayTo(int t, AgentPose spot, int steps)
    {
        if (steps == 0) return (spot, []);
        var turn = AgentPoses[t].TurnStepsTo(spot.HeadingSteps);
        List<WorldAction> way = [.. Actions.Skip(t - steps + 1).Take(steps).Select(a => a == (int)WorldAction.Paint ? WorldAction.Noop : (WorldAction)a),
            .. Enumerable.Repeat(turn < 0 ? WorldAction.TurnLeft : WorldAction.TurnRight, Math.Abs(turn))];
        var walked = World.Create(World.Seed, World.Options);
        walked.Pose = AgentPoses[t - steps];
        foreach (var action in way) walked.Apply(action);
        if (walked.Pose != spot) throw new InvalidOperationException($"seed {World.Seed}: the way in ends at {walked.Pose}, not at the spot {spot}");
        return (AgentPoses[t - steps], way);
    }
}
