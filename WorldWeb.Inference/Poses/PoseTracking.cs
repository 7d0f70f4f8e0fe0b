using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Poses;

/// <summary>
/// How a world's tracked pose follows its model, the one rule for the server's worlds, their replays and eval: each
/// step's <c>pose_delta</c> applied to the pose before, except after noop, with the turn rounded to the package's
/// heading step and a move near the package's move step (or near standing) taken as exactly that, where it declares
/// them (<see cref="PoseSpec"/>).
/// </summary>
public sealed class PoseTracking
{
    /// <summary>
    /// A move whose <c>pose_delta</c> is within this share of its step's length from the full step is the full step.
    /// In the reference world 27,475 of 29,577 moves are full steps and 29 are slides this near one (training/move_census.py).
    /// </summary>
    public const double FullStepTolerance = 0.2;

    /// <summary>A move within this share of its step's length from standing is standing: a wall stopped it (250 of those moves; no slide is this short).</summary>
    public const double BlockedTolerance = 0.05;

    private readonly double? _headingStep;
    private readonly Dictionary<int, (double Forward, double Right)> _moveSteps = [];

    public PoseTracking(PoseSpec? poses, IReadOnlyList<ActionSpec>? actions = null)
    {
        _headingStep = poses?.HeadingStepDegrees * Math.PI / 180;
        foreach ((string name, double[] step) in poses?.MoveSteps ?? new Dictionary<string, double[]>())
        {
            int index = actions is not null ? ActionSpec.IndexOf(actions, name)
                : throw new ArgumentException("move steps are named by action: pass the package's actions", nameof(actions));
            _moveSteps[index] = (step[0], step[1]);
        }
    }

    public static PoseTracking Of(ModelManifest manifest) => new(manifest.Poses, manifest.Actions);

    /// <summary>The pose after a step of <paramref name="action"/> whose model answered <paramref name="poseDelta"/>.</summary>
    /// <param name="stoodOn">
    /// Whether the player has stood at a position before (the world's memory, <c>StoodPlaces</c>): a move the pose head
    /// read as stopped or short whose full step ends there is the full step, since walls do not move. The pose head reads
    /// a move off the model's own frames, and where those part from the world's it took a free step as stopped about
    /// once a hundred steps: the way back from a 512-step loop ended 0.34 cells off on average (docs/model-card.md, "Paint").
    /// </param>
    /// <param name="viewUnchanged">
    /// Whether the model drew this step's frame byte for byte as the one before. The tracked pose follows the frame the
    /// player sees: on new ground, a move that shows no change is a wall that stopped the player, whatever the pose head
    /// read, and the position stays (a turn still turns: nothing stops it, and the guard still calls a turn that shows
    /// nothing frozen). In the reference world such a move stopped the player within 0.02 cells 84% of the time; the
    /// rest slid along a wall too little to show (WorldTests). A step onto a place stood on is still the full step: there
    /// the memory prior can redraw the view of the spot just left, and a pose that stayed for it would stay for good (a
    /// first version did: returns along a way walked before ended 0.4 cells off after 512 steps, not 0). Before, the pose
    /// walked on into the wall and the guard took the still frames for a stuck model: 61 rollbacks in 1,200 steps of
    /// 0.2.8 held forward (CoherenceGuardTests).
    /// </param>
    public Pose Next(Pose pose, int action, ReadOnlySpan<float> poseDelta, Func<Pose, bool>? stoodOn = null, bool viewUnchanged = false)
    {
        // Noop moves nobody. The model's pose_delta on it is not quite zero (~0.03° a step, one way), and standing
        // 10 s drifted the tracked pose 0.26 cells and 5.7°, enough to lose a wall's memory (bench turnaround).
        if (action == ActionSpec.Noop)
        {
            return pose;
        }
        RelativePose delta = RelativePose.FromPoseDelta(poseDelta);
        if (_headingStep is { } step)
        {
            delta = delta with { DHeading = Math.Round(delta.DHeading / step) * step };
        }
        if (_moveSteps.TryGetValue(action, out var full))
        {
            delta = Snapped(delta, full);
            RelativePose fullStep = delta with { Forward = full.Forward, Right = full.Right };
            if ((delta != fullStep || viewUnchanged) && stoodOn is not null && stoodOn(pose.Apply(fullStep)))
            {
                return pose.Apply(fullStep);
            }
        }
        return pose.Apply(viewUnchanged ? delta with { Forward = 0, Right = 0 } : delta);
    }

    // A pose head a few thousandths of a cell off on every step, the same way, drifted 0.7 cells over 128 steps of
    // there-and-back walks that the world undoes exactly (docs/model-card.md, "Paint"), and 0.05 cells over a full
    // turn in place; a slide along a wall is neither a full step nor standing, and keeps the pose head's answer.
    private static RelativePose Snapped(RelativePose delta, (double Forward, double Right) full)
    {
        double length = double.Hypot(full.Forward, full.Right);
        if (length == 0)
        {
            return delta with { Forward = 0, Right = 0 };  // a turn or a paint: the world never moves the player on it
        }
        double offFull = double.Hypot(delta.Forward - full.Forward, delta.Right - full.Right);
        double moved = double.Hypot(delta.Forward, delta.Right);
        return offFull <= FullStepTolerance * length ? delta with { Forward = full.Forward, Right = full.Right }
            : moved <= BlockedTolerance * length ? delta with { Forward = 0, Right = 0 }
            : delta;
    }
}
