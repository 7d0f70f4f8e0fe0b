using WorldWeb.ReferenceWorld;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// The A→B→A walk: turn around, walk away, turn around, walk back. Back at A the player looks where
/// it looked at the start, which its context frames no longer show: only memory can bring A back.
/// </summary>
public static class LoopClosure
{
    public const int WalkSteps = 10;

    public static List<WorldAction> Actions(WorldAction turn)
    {
        var actions = new List<WorldAction>();
        for (var leg = 0; leg < 2; leg++)
        {
            actions.AddRange(Enumerable.Repeat(turn, AgentPose.StepsPerTurn / 2));
            actions.AddRange(Enumerable.Repeat(WorldAction.Forward, WalkSteps));
        }
        return actions;
    }

    /// <summary>Steps of the trajectory where the loop walks freely (no wall stops it) and returns exactly to the start.</summary>
    public static List<int> FindStarts(ReferenceTrajectory trajectory, int firstStep, int max, int spacing)
    {
        var starts = new List<int>();
        for (var t = firstStep; t < trajectory.Length && starts.Count < max; t++)
        {
            if (starts.Count > 0 && t - starts[^1] < spacing) continue;
            if (ClosesFreely(trajectory.World, trajectory.AgentPoses[t], Actions(LoopTurn(starts.Count)))) starts.Add(t);
        }
        return starts;
    }

    public static WorldAction LoopTurn(int index) => index % 2 == 0 ? WorldAction.TurnRight : WorldAction.TurnLeft;

    private static bool ClosesFreely(World world, AgentPose start, List<WorldAction> actions)
    {
        var saved = world.Pose;
        try
        {
            world.Pose = start;
            foreach (var action in actions)
            {
                var before = world.Pose;
                world.Apply(action);
                if (action == WorldAction.Forward && (Math.Abs(world.Pose.X - before.X - world.Options.MoveStep * Math.Cos(before.Heading)) > 1e-9
                                                      || Math.Abs(world.Pose.Y - before.Y - world.Options.MoveStep * Math.Sin(before.Heading)) > 1e-9))
                    return false;
            }
            return Math.Abs(world.Pose.X - start.X) < 1e-6 && Math.Abs(world.Pose.Y - start.Y) < 1e-6 && world.Pose.HeadingSteps == start.HeadingSteps;
        }
        finally
        {
            world.Pose = saved;
        }
    }
}
