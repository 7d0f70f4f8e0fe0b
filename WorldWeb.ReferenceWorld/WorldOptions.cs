namespace WorldWeb.ReferenceWorld;

/// <summary>Size of the maze and of the rendered frames, and how far one action moves the agent.</summary>
public sealed record WorldOptions
{
    public int Width { get; init; } = 64;
    public int Height { get; init; } = 64;
    /// <summary>Maze cells per side; odd so that corridors sit between walls.</summary>
    public int MazeSize { get; init; } = 17;
    public double MoveStep { get; init; } = 0.1;
    public double StrafeStep { get; init; } = 0.08;
    public double AgentRadius { get; init; } = 0.2;
    /// <summary>Horizontal field of view in degrees.</summary>
    public double FieldOfView { get; init; } = 66;

    public static WorldOptions Default { get; } = new();

    /// <summary>
    /// Where <paramref name="action"/> takes the player, in cells ahead and to its right, when no wall stops it:
    /// a turn or a paint stays where it is.
    /// </summary>
    public (double Forward, double Right) StepOf(WorldAction action) => action switch
    {
        WorldAction.Forward => (MoveStep, 0),
        WorldAction.Backward => (-MoveStep, 0),
        WorldAction.StrafeLeft => (0, -StrafeStep),
        WorldAction.StrafeRight => (0, StrafeStep),
        _ => (0, 0),
    };

    public void Validate()
    {
        if (Width is < 8 or > 1024 || Height is < 8 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(Width), $"Frame size {Width}x{Height} must be within 8..1024.");
        if (MazeSize < 7 || MazeSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(MazeSize), $"Maze size {MazeSize} must be odd and at least 7.");
    }
}
