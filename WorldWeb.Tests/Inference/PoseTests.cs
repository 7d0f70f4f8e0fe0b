using WorldWeb.Inference.Poses;

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
}
