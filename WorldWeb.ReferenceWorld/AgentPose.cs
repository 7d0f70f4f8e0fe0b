namespace WorldWeb.ReferenceWorld;

/// <summary>
/// Where the agent stands: x grows east, y grows south (maze-cell units), heading in radians
/// looking along (cos, sin). Heading is kept as a whole number of turn steps so that walking a
/// path back reproduces poses exactly.
/// </summary>
public readonly record struct AgentPose(double X, double Y, int HeadingSteps)
{
    public const int StepsPerTurn = 72; // 5 degrees per turn step

    public double Heading => HeadingSteps * (2 * Math.PI / StepsPerTurn);

    /// <summary>The signed turn steps from this heading to <paramref name="headingSteps"/>, the short way (positive: right).</summary>
    public int TurnStepsTo(int headingSteps)
    {
        var half = StepsPerTurn / 2;
        return ((headingSteps - HeadingSteps) % StepsPerTurn + StepsPerTurn + half) % StepsPerTurn - half;
    }

    public AgentPose Turned(int steps) =>
        this with { HeadingSteps = ((HeadingSteps + steps) % StepsPerTurn + StepsPerTurn) % StepsPerTurn };
}
