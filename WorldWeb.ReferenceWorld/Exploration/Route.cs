namespace WorldWeb.ReferenceWorld.Exploration;

/// <summary>Follows waypoints by turning toward the next one and walking, then turns to a final heading.</summary>
internal sealed class Route(List<(double X, double Y)> waypoints, int? finalHeading, int budget)
{
    private const double ArriveDistance = 0.15;
    private int index;
    private int remaining = budget;

    /// <summary>The next action, or null when the route is done or has run out of steps.</summary>
    public WorldAction? Next(AgentPose pose)
    {
        if (--remaining < 0) return null;
        while (index < waypoints.Count && Distance(pose, waypoints[index]) < ArriveDistance) index++;
        if (index < waypoints.Count)
        {
            var (x, y) = waypoints[index];
            var wanted = (int)Math.Round(Math.Atan2(y - pose.Y, x - pose.X) / (2 * Math.PI) * AgentPose.StepsPerTurn);
            return TurnToward(pose, wanted) ?? WorldAction.Forward;
        }
        return finalHeading is { } heading ? TurnToward(pose, heading) : null;
    }

    private static WorldAction? TurnToward(AgentPose pose, int headingSteps) =>
        pose.TurnStepsTo(headingSteps) switch { > 0 => WorldAction.TurnRight, < 0 => WorldAction.TurnLeft, _ => null };

    private static double Distance(AgentPose pose, (double X, double Y) point) =>
        Math.Sqrt((pose.X - point.X) * (pose.X - point.X) + (pose.Y - point.Y) * (pose.Y - point.Y));
}
