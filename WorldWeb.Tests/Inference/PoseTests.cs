using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Tests.Inference;

[Trait(Category.Name, Category.Unit)]
public sealed class PoseTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Of_PointAheadAndToTheRight_FollowsTheDocsAxes()
    {
        // Facing south (θ = π/2, looking along +y): a point further south is ahead, one to the west is on the right.
        var from = new Pose(2, 3, Math.PI / 2);

        RelativePose ahead = RelativePose.Of(from, new Pose(2, 5, Math.PI / 2));
        RelativePose right = RelativePose.Of(from, new Pose(1, 3, Math.PI / 2));

        Assert.Equal(2, ahead.Forward, Tolerance);
        Assert.Equal(0, ahead.Right, Tolerance);
        Assert.Equal(0, right.Forward, Tolerance);
        Assert.Equal(1, right.Right, Tolerance);
    }

    [Theory]
    [InlineData(0.1, 3.1, 3.0)]
    [InlineData(3.1, -3.1, 2 * Math.PI - 6.2)]
    [InlineData(0, Math.PI, Math.PI)]
    [InlineData(0, -Math.PI, Math.PI)]
    [InlineData(-3, 3 + 4 * Math.PI, 6 - 2 * Math.PI)]
    public void Of_HeadingDifference_IsWrappedIntoMinusPiToPi(double fromHeading, double toHeading, double expected)
    {
        RelativePose relative = RelativePose.Of(new Pose(0, 0, fromHeading), new Pose(0, 0, toHeading));

        Assert.Equal(expected, relative.DHeading, 1e-9);
        Assert.InRange(relative.DHeading, -Math.PI + 1e-15, Math.PI);
    }

    [Fact]
    public void Apply_IsTheInverseOfOf()
    {
        var from = new Pose(1.5, -2.25, 2.8);
        var to = new Pose(-0.75, 4, -2.9);

        Pose reached = from.Apply(RelativePose.Of(from, to));

        Assert.Equal(to.X, reached.X, Tolerance);
        Assert.Equal(to.Y, reached.Y, Tolerance);
        Assert.Equal(to.Heading, reached.Heading, Tolerance);
    }

    [Fact]
    public void Apply_ForwardAndTurnRight_MovesAlongHeadingThenTurns()
    {
        var east = new Pose(0, 0, 0);

        Pose moved = east.Apply(RelativePose.FromPoseDelta([1f, 0f, (float)(Math.PI / 2)]));

        Assert.Equal(1, moved.X, Tolerance);
        Assert.Equal(0, moved.Y, Tolerance);
        Assert.Equal(Math.PI / 2, moved.Heading, 1e-7);
    }

    [Fact]
    public void Tracking_RoundsEachTurnToTheHeadingStep_SoSmallErrorsNeverAddUp()
    {
        var snapped = new PoseTracking(new PoseSpec(HeadingStepDegrees: 5));
        var plain = new PoseTracking(null);
        float turn = (float)(5.3 * Math.PI / 180);  // a turn step read 0.3° too far, every time
        Pose a = new(0, 0, 0), b = a;

        for (int i = 0; i < 36; i++)
        {
            a = snapped.Next(a, 4, [0f, 0f, turn]);
            b = plain.Next(b, 4, [0f, 0f, turn]);
        }

        Assert.Equal(Math.PI, Math.Abs(a.Heading), 1e-9);
        Assert.Equal(36 * 0.3 * Math.PI / 180, Angles.Wrap(b.Heading - Math.PI), 1e-5);
    }

    [Fact]
    public void Tracking_MovesAsThePoseDeltaSays_ButNotOnNoop()
    {
        var tracking = new PoseTracking(new PoseSpec(HeadingStepDegrees: 5));
        var start = new Pose(1, 2, 0);

        Assert.Equal(start, tracking.Next(start, ActionSpec.Noop, [0.1f, 0.02f, 0.001f]));
        Pose moved = tracking.Next(start, 1, [0.1f, 0.02f, 0.001f]);
        Assert.Equal((1.1, 2.02, 0.0), (Math.Round(moved.X, 6), Math.Round(moved.Y, 6), moved.Heading));
    }
    private static readonly ActionSpec[] Moves = [new(0, "noop", []), new(1, "forward", ["KeyW"]), new(2, "strafe_right", ["KeyE"]), new(3, "backward", ["KeyS"])];

    [Fact]
    public void Tracking_TakesAMoveNearItsStepAsTheStep_SoABiasedPoseHeadNeverAddsUp()
    {
        var poses = new PoseSpec(MoveSteps: new Dictionary<string, double[]> { ["forward"] = [0.1, 0], ["strafe_right"] = [0, 0.08] });
        var snapped = new PoseTracking(poses, Moves);
        var plain = new PoseTracking(null);
        Pose a = new(0, 0, 0), b = a;

        // 20 steps forward with a pose head that reads each 0.097 ahead and 0.002 aside.
        for (int i = 0; i < 20; i++)
        {
            a = snapped.Next(a, 1, [0.097f, 0.002f, 0f]);
            b = plain.Next(b, 1, [0.097f, 0.002f, 0f]);
        }
        Assert.Equal((2.0, 0.0), (Math.Round(a.X, 9), Math.Round(a.Y, 9)));
        Assert.Equal(1.94, b.X, 1e-6);

        Pose strafed = snapped.Next(a, 2, [0.004f, 0.075f, 0f]);
        Assert.Equal((2.0, 0.08), (Math.Round(strafed.X, 9), Math.Round(strafed.Y, 9)));
    }

    [Fact]
    public void Tracking_KeepsASlideAlongAWall_AndTakesANearStandstillAsStanding()
    {
        var tracking = new PoseTracking(new PoseSpec(MoveSteps: new Dictionary<string, double[]> { ["forward"] = [0.1, 0] }), Moves);
        var start = new Pose(0, 0, 0);

        // Heading 45° into a wall: the world moves the player along one axis, 0.05 ahead and 0.05 aside.
        Pose slid = tracking.Next(start, 1, [0.05f, -0.05f, 0f]);
        Pose blocked = tracking.Next(start, 1, [0.003f, 0.002f, 0f]);

        Assert.Equal((0.05, -0.05), (Math.Round(slid.X, 6), Math.Round(slid.Y, 6)));
        Assert.Equal(start, blocked);
    }

    [Fact]
    public void Tracking_TakesAStoppedOrShortMove_AsTheFullStep_WhereItEndsOnAPlaceStoodOn()
    {
        var tracking = new PoseTracking(new PoseSpec(MoveSteps: new Dictionary<string, double[]> { ["forward"] = [0.1, 0], ["backward"] = [-0.1, 0] }), Moves);
        var start = new Pose(0, 0, 0);
        Func<Pose, bool> stoodOn = p => Math.Abs(p.X - 0.1) < 1e-9 && Math.Abs(p.Y) < 1e-9;  // only one step ahead

        Assert.Equal(new Pose(0.1, 0, 0), tracking.Next(start, 1, [0.003f, 0.002f, 0f], stoodOn));  // read as stopped
        Assert.Equal(new Pose(0.1, 0, 0), tracking.Next(start, 1, [0.05f, -0.05f, 0f], stoodOn));   // read as a slide
        Assert.Equal(start, tracking.Next(start, 1, [0.003f, 0.002f, 0f], _ => false));           // a new place: as read
        Pose back = new(0.2, 0, 0);
        Assert.Equal(back, tracking.Next(back, 1, [0.003f, 0.002f, 0f], stoodOn));                  // 0.3 was never stood on
        Assert.Equal(new Pose(0.1, 0, 0), tracking.Next(back, 3, [-0.002f, 0f, 0f], stoodOn));       // backward: its own full step
        Assert.Equal(start, tracking.Next(start, 0, [0.1f, 0f, 0f], stoodOn));                        // noop moves nobody
    }

    [Fact]
    public void Tracking_KeepsThePlayerWhereAnUnchangedViewShowsThem_OnNewGround_ButStillTurns()
    {
        var tracking = new PoseTracking(new PoseSpec(HeadingStepDegrees: 5, MoveSteps: new Dictionary<string, double[]> { ["forward"] = [0.1, 0] }), Moves);
        var start = new Pose(0, 0, 0);
        float turn = (float)(5 * Math.PI / 180);

        Assert.Equal(new Pose(0.1, 0, 0), tracking.Next(start, 1, [0.1f, 0f, 0f]));                             // the view changed: a free step
        Assert.Equal(start, tracking.Next(start, 1, [0.1f, 0f, 0f], viewUnchanged: true));                      // the same view: a wall stopped it
        Assert.Equal(start, tracking.Next(start, 1, [0.1f, 0f, 0f], _ => false, viewUnchanged: true));          // on new ground
        Assert.Equal(new Pose(0.1, 0, 0), tracking.Next(start, 1, [0.003f, 0f, 0f], _ => true, viewUnchanged: true));  // not onto a place stood on
        Assert.Equal(5 * Math.PI / 180, tracking.Next(start, 4, [0f, 0f, turn], viewUnchanged: true).Heading, 1e-12);  // nothing stops a turn
    }

    [Fact]
    public void Tracking_WithMoveStepsButNoActions_SaysWhatItNeeds()
    {
        var poses = new PoseSpec(MoveSteps: new Dictionary<string, double[]> { ["forward"] = [0.1, 0] });

        Assert.Contains("pass the package's actions", Assert.Throws<ArgumentException>(() => new PoseTracking(poses)).Message);
    }
}
