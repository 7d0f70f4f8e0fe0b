using WorldWeb.ReferenceWorld;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// How free play moves. <see cref="Explore"/> holds keys like a person: mostly forward and turns, some strafing,
/// each held 5–20 steps (the weights of training's freeplay.py). <see cref="Revisit"/> turns a full circle in place
/// and walks a corridor forward and back again, over and over: everything it shows has been seen before.
/// </summary>
public static class PlayPolicy
{
    public const int CorridorSteps = 16;

    private static readonly (WorldAction Action, double Weight)[] ExploreWeights =
    [
        (WorldAction.Noop, 0.05), (WorldAction.Forward, 0.45), (WorldAction.Backward, 0.05),
        (WorldAction.TurnLeft, 0.15), (WorldAction.TurnRight, 0.15), (WorldAction.StrafeLeft, 0.075), (WorldAction.StrafeRight, 0.075),
    ];

    public static List<WorldAction> Explore(int seed, int steps)
    {
        var random = new Random(seed);
        var actions = new List<WorldAction>(steps + 20);
        while (actions.Count < steps) actions.AddRange(Enumerable.Repeat(Pick(random), random.Next(5, 21)));
        return actions.Take(steps).ToList();
    }

    private static WorldAction Pick(Random random)
    {
        var roll = random.NextDouble();
        foreach (var (action, weight) in ExploreWeights)
            if ((roll -= weight) < 0) return action;
        return ExploreWeights[^1].Action;
    }

    /// <summary>One cycle: a full turn (right in even cycles, left in odd ones), then the corridor out and back.</summary>
    public static List<WorldAction> RevisitCycle(int cycle) =>
    [
        .. Enumerable.Repeat(cycle % 2 == 0 ? WorldAction.TurnRight : WorldAction.TurnLeft, AgentPose.StepsPerTurn),
        .. Enumerable.Repeat(WorldAction.Forward, CorridorSteps),
        .. Enumerable.Repeat(WorldAction.Backward, CorridorSteps),
    ];

    public static int RevisitCycleLength => AgentPose.StepsPerTurn + 2 * CorridorSteps;

    /// <summary><paramref name="steps"/> actions of revisit cycles, starting with cycle <paramref name="firstCycle"/>.</summary>
    public static List<WorldAction> Revisit(int steps, int firstCycle = 0)
    {
        var actions = new List<WorldAction>(steps + RevisitCycleLength);
        for (var cycle = firstCycle; actions.Count < steps; cycle++) actions.AddRange(RevisitCycle(cycle));
        return actions.Take(steps).ToList();
    }

    /// <summary>Whether the corridor walk from <paramref name="start"/> is free: no wall stops a step, and it ends where it began.</summary>
    public static bool CorridorIsFree(World world, AgentPose start)
    {
        var saved = world.Pose;
        try
        {
            world.Pose = start;
            foreach (var action in RevisitCycle(0).Skip(AgentPose.StepsPerTurn))
            {
                var before = world.Pose;
                world.Apply(action);
                var moved = Math.Abs(world.Pose.X - before.X) + Math.Abs(world.Pose.Y - before.Y);
                if (Math.Abs(moved - world.Options.MoveStep * (Math.Abs(Math.Cos(before.Heading)) + Math.Abs(Math.Sin(before.Heading)))) > 1e-9) return false;
            }
            return Math.Abs(world.Pose.X - start.X) < 1e-6 && Math.Abs(world.Pose.Y - start.Y) < 1e-6;
        }
        finally
        {
            world.Pose = saved;
        }
    }
}
