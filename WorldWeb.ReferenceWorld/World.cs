using WorldWeb.ReferenceWorld.Maze;
using WorldWeb.ReferenceWorld.Painting;
using WorldWeb.ReferenceWorld.Rendering;

namespace WorldWeb.ReferenceWorld;

/// <summary>
/// The reference world: a deterministic maze the agent walks through, rendered in first person.
/// It is the ground truth the world model learns to imitate and is measured against.
/// </summary>
public sealed class World
{
    private readonly Raycaster raycaster;

    private World(int seed, WorldOptions options, MazeGrid maze, AgentPose start)
    {
        Seed = seed;
        Options = options;
        Maze = maze;
        Pose = start;
        raycaster = new Raycaster(options);
    }

    public int Seed { get; }
    public WorldOptions Options { get; }
    public MazeGrid Maze { get; }
    public AgentPose Pose { get; set; }
    /// <summary>What players painted: part of the world's state, made only by <see cref="WorldAction.Paint"/>.</summary>
    public WallMarks Marks { get; } = new();
    public int FrameBytes => Options.Width * Options.Height * 3;

    public static World Create(int seed, WorldOptions? options = null)
    {
        options ??= WorldOptions.Default;
        options.Validate();
        var maze = MazeGenerator.Generate(seed, options.MazeSize);
        var random = new Random(seed ^ 0x5EED);
        var free = maze.FreeCells().ToList();
        var (x, y) = free[random.Next(free.Count)];
        return new World(seed, options, maze, new AgentPose(x + 0.5, y + 0.5, random.Next(AgentPose.StepsPerTurn)));
    }

    /// <summary>
    /// Applies one action; walls stop movement along the blocked axis (the agent slides). Returns whether the world
    /// itself changed (a paint that reached a wall), as opposed to where the agent stands.
    /// </summary>
    public bool Apply(WorldAction action)
    {
        if (action == WorldAction.Paint)
        {
            if (FaceAhead() is not { } face) return false;
            Marks.Paint(face);
            return true;
        }
        Pose = action switch
        {
            WorldAction.Forward or WorldAction.Backward or WorldAction.StrafeLeft or WorldAction.StrafeRight => Moved(Options.StepOf(action)),
            WorldAction.TurnLeft => Pose.Turned(-1),
            WorldAction.TurnRight => Pose.Turned(1),
            _ => Pose,
        };
        return false;
    }

    /// <summary>
    /// Walks forward until something stops the player (at most <paramref name="maxSteps"/> steps); returns how many
    /// steps moved. Square on to a wall the player ends pressed against it, as a player who walks up to a wall stands.
    /// </summary>
    public int ForwardUntilStopped(int maxSteps = 20)
    {
        var steps = 0;
        for (var before = Pose; steps < maxSteps; steps++, before = Pose)
        {
            Apply(WorldAction.Forward);
            if (Pose == before) break;
        }
        return steps;
    }

    /// <summary>The wall face straight ahead within <see cref="WallMarks.Reach"/> cells, which a paint would mark.</summary>
    public WallFace? FaceAhead() => FaceAhead(Pose);

    /// <summary>The face a paint from <paramref name="from"/> would mark, if any.</summary>
    public WallFace? FaceAhead(AgentPose from)
    {
        var hit = Raycaster.CastRay(Maze, from.X, from.Y, Math.Cos(from.Heading), Math.Sin(from.Heading));
        return hit.Distance <= WallMarks.Reach ? hit.Face : null;
    }

    public void Render(Span<byte> rgb) => raycaster.Render(Maze, Marks, Pose, rgb);

    public byte[] Render()
    {
        var frame = new byte[FrameBytes];
        Render(frame);
        return frame;
    }

    private AgentPose Moved((double Forward, double Right) step)
    {
        var (forward, right) = step;
        double cos = Math.Cos(Pose.Heading), sin = Math.Sin(Pose.Heading);
        var dx = forward * cos - right * sin;
        var dy = forward * sin + right * cos;
        var r = Options.AgentRadius;
        var x = Pose.X;
        var y = Pose.Y;
        // Axis by axis, so that a blocked move slides along the wall.
        if (dx != 0 && EdgeIsFree(x + dx + Math.Sign(dx) * r, y - r, x + dx + Math.Sign(dx) * r, y + r)) x += dx;
        if (dy != 0 && EdgeIsFree(x - r, y + dy + Math.Sign(dy) * r, x + r, y + dy + Math.Sign(dy) * r)) y += dy;
        return Pose with { X = x, Y = y };
    }

    // Both ends of the agent's leading edge must stand in free cells.
    private bool EdgeIsFree(double x1, double y1, double x2, double y2) => Maze.IsFree(x1, y1) && Maze.IsFree(x2, y2);
}
