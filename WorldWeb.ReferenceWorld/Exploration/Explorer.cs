namespace WorldWeb.ReferenceWorld.Exploration;

/// <summary>
/// The data-collection policy: walks to random places, and often comes back — to an earlier pose
/// (same place, same heading), or straight back by walking backwards — so that training data holds
/// revisits, which is what a model needs to learn to use its memory. With <c>paints</c> it also paints
/// walls now and then and later comes back to look at what it painted; without, it walks exactly as it did before
/// painting existed (its random draws are the same), for models that have no paint action. With
/// <c>pressesWalls</c> it also walks into walls now and then and keeps pressing, as players on the play page do: its
/// own walks are stopped on ~1% of moves, and a model trained on them walks on through walls (docs/model-card.md,
/// "Walls that do not stop the model"). Its draws come from a stream of their own, so without it nothing changes.
/// </summary>
public sealed class Explorer(World world, int seed, bool paints = true, bool pressesWalls = false)
{
    private const double PressRate = 0.3;

    private const double PaintPlanRate = 0.30;
    private const double ReturnToPaintRate = 0.20;
    private const double PaintIntoTheOpenRate = 0.25;

    private const double RandomActionRate = 0.1;
    private const int MinRevisitAge = 80;

    private readonly Random random = new(seed);
    private readonly Random pressRandom = new(seed ^ 0x5EED);
    private readonly List<AgentPose> history = [];
    private readonly Queue<WorldAction> script = new();
    private readonly List<AgentPose> painted = [];
    private Route? route;

    public WorldAction Next()
    {
        history.Add(world.Pose);
        // A random move (or noop): paints are planned, never random.
        if (random.NextDouble() < RandomActionRate) return (WorldAction)random.Next((int)WorldAction.Paint);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (script.Count > 0) return Scripted(script.Dequeue());
            if (route is not null)
            {
                var action = route.Next(world.Pose);
                if (action is not null) return action.Value;
                route = null;
            }
            Plan();
        }
        return WorldAction.Noop;
    }

    private void Plan()
    {
        if (pressesWalls && pressRandom.NextDouble() < PressRate)
        {
            PressIntoWall();
            return;
        }
        if (paints && PlanAroundPaint()) return;
        var roll = random.NextDouble();
        if (roll < 0.22) route = RouteTo(RandomFreeCell(), finalPose: null);
        else if (roll < 0.32 && history.Count > MinRevisitAge) route = RouteTo(null, history[random.Next(history.Count - MinRevisitAge)]);
        else if (roll < 0.44) ExcursionAndReturn();
        else if (roll < 0.60) ThereAndBack(WorldAction.Forward, WorldAction.Backward);
        else if (roll < 0.75) ThereAndBack(random.Next(2) == 0 ? WorldAction.StrafeLeft : WorldAction.StrafeRight);
        else if (roll < 0.88) LookAround();
        else Repeat(WorldAction.Noop, 2 + random.Next(9));
    }

    /// <summary>Paints (facing a wall, or now and then into the open) or returns to a painted view; false: neither.</summary>
    private bool PlanAroundPaint()
    {
        var roll = random.NextDouble();
        if (roll < PaintPlanRate)
        {
            Paint();
            return true;
        }
        if (roll < PaintPlanRate + ReturnToPaintRate && painted.Count > 0)
        {
            route = RouteTo(null, painted[random.Next(painted.Count)]);
            return true;
        }
        return false;
    }

    /// <summary>Turns to the nearest heading (the current, or a right angle) that faces a wall within reach, paints, and looks.</summary>
    private void Paint()
    {
        var turn = random.NextDouble() < PaintIntoTheOpenRate ? 0 : TurnToWall();
        Repeat(turn > 0 ? WorldAction.TurnRight : WorldAction.TurnLeft, Math.Abs(turn));
        Repeat(WorldAction.Paint, 1);
        Repeat(WorldAction.Noop, 1 + random.Next(4));
    }

    /// <summary>
    /// Turns toward the nearest wall within reach (square on, or up to 30° off, which slides the player along it),
    /// walks to it and keeps pressing: at most 15 steps get there, the rest are stopped or slide.
    /// </summary>
    private void PressIntoWall()
    {
        var turn = TurnToWall() + (pressRandom.Next(2) == 0 ? 0 : pressRandom.Next(-6, 7));  // headings are 5° steps
        Repeat(turn > 0 ? WorldAction.TurnRight : WorldAction.TurnLeft, Math.Abs(turn));
        Repeat(WorldAction.Forward, 18 + pressRandom.Next(15));
    }

    /// <summary>Turn steps to the nearest heading (the current, or a right angle) that faces a wall within reach; 0 if none.</summary>
    private int TurnToWall()
    {
        var pose = world.Pose;
        var quarter = AgentPose.StepsPerTurn / 4;
        int[] turns = [0, .. Enumerable.Range(0, 4).Select(q => pose.TurnStepsTo(q * quarter)).OrderBy(Math.Abs)];
        return turns.FirstOrDefault(t => world.FaceAhead(pose.Turned(t)) is not null);
    }

    /// <summary>Remembers where a paint that will reach a wall is made from (random moves may have come between).</summary>
    private WorldAction Scripted(WorldAction action)
    {
        if (action == WorldAction.Paint && world.FaceAhead() is not null) painted.Add(world.Pose);
        return action;
    }

    private Route RouteTo((int X, int Y)? cell, AgentPose? finalPose)
    {
        var pose = world.Pose;
        var target = cell ?? ((int)Math.Floor(finalPose!.Value.X), (int)Math.Floor(finalPose.Value.Y));
        var cells = RouteFinder.Route(world.Maze, ((int)Math.Floor(pose.X), (int)Math.Floor(pose.Y)), target);
        var waypoints = cells.Select(c => (c.X + 0.5, c.Y + 0.5)).ToList();
        if (finalPose is { } f) waypoints.Add((f.X, f.Y));
        return new Route(waypoints, finalPose?.HeadingSteps, budget: 40 + 30 * waypoints.Count);
    }

    /// <summary>Moves k steps one way, pauses, and comes back along the same line.</summary>
    private void ThereAndBack(WorldAction there, WorldAction? back = null)
    {
        var steps = 3 + random.Next(18);
        Repeat(there, steps);
        Repeat(WorldAction.Noop, random.Next(4));
        Repeat(back ?? (there == WorldAction.StrafeLeft ? WorldAction.StrafeRight : WorldAction.StrafeLeft), steps);
    }

    /// <summary>Turns around, walks away, turns around and walks back: the loop that evaluation closes.</summary>
    private void ExcursionAndReturn()
    {
        var steps = 4 + random.Next(14);
        for (var leg = 0; leg < 2; leg++)
        {
            Repeat(random.Next(2) == 0 ? WorldAction.TurnLeft : WorldAction.TurnRight, AgentPose.StepsPerTurn / 2);
            Repeat(WorldAction.Forward, steps);
        }
    }

    private void LookAround() =>
        Repeat(random.Next(2) == 0 ? WorldAction.TurnLeft : WorldAction.TurnRight, 6 + random.Next(AgentPose.StepsPerTurn - 5));

    private void Repeat(WorldAction action, int count)
    {
        for (var i = 0; i < count; i++) script.Enqueue(action);
    }

    private (int X, int Y) RandomFreeCell()
    {
        var free = world.Maze.FreeCells().ToList();
        return free[random.Next(free.Count)];
    }
}
