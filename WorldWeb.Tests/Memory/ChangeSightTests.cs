using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.MemoryFixtures;

namespace WorldWeb.Tests.Memory;

[Trait(Category.Name, Category.Unit)]
public sealed class ChangeSightTests
{
    // The default: a 66° field of view, 10° of margin on each side (43° off the heading), 6 cells.
    private static readonly MemoryPolicy Policy = new();

    private static readonly Pose LookingEast = At(0, 0, 0);

    /// <summary>A paint <paramref name="cells"/> out along the ray at <paramref name="degrees"/> from the origin, painting further along it: the spot lies on that ray, 0.2–1.5 cells beyond.</summary>
    private static Pose PaintAlongRay(double degrees, double cells = 2) =>
        At(cells * Math.Cos(degrees * Math.PI / 180), cells * Math.Sin(degrees * Math.PI / 180), degrees);

    [Fact]
    public void ASpotAhead_IsSeen_WhicheverWayThePainterFaced()
    {
        Assert.True(ChangeSight.CouldShow(LookingEast, At(2, 0, 0), Policy));
        Assert.True(ChangeSight.CouldShow(LookingEast, At(4, 0, 180), Policy));   // painting the wall between them, from its far side
        Assert.True(ChangeSight.CouldShow(LookingEast, LookingEast, Policy));      // the painter's own view
    }

    [Fact]
    public void ASpotBehindOrBeside_IsNotSeen_ButIsByTheViewTurnedTowardsIt()
    {
        Pose behind = At(-2, 0, 0), beside = At(0, 2, 90);

        Assert.False(ChangeSight.CouldShow(LookingEast, behind, Policy));
        Assert.False(ChangeSight.CouldShow(LookingEast, beside, Policy));
        Assert.True(ChangeSight.CouldShow(At(0, 0, 180), behind, Policy));
        Assert.True(ChangeSight.CouldShow(At(0, 0, 90), beside, Policy));
    }

    [Fact]
    public void ASpotBeyondTheViewDistance_IsNotSeen()
    {
        // The spot's nearest end is 0.2 cells beyond the painter.
        Assert.True(ChangeSight.CouldShow(LookingEast, PaintAlongRay(0, cells: 5.7), Policy));
        Assert.False(ChangeSight.CouldShow(LookingEast, PaintAlongRay(0, cells: 5.9), Policy));
        Assert.True(ChangeSight.CouldShow(LookingEast, PaintAlongRay(0, cells: 5.9), new MemoryPolicy { ChangeViewCells = 7 }));
    }

    [Theory]
    [InlineData(42, true)]
    [InlineData(-42, true)]
    [InlineData(44, false)]
    [InlineData(-44, false)]
    public void AtTheEdgeOfTheView_TheMarginCounts(double degrees, bool seen)
    {
        Assert.Equal(seen, ChangeSight.CouldShow(LookingEast, PaintAlongRay(degrees), Policy));
    }

    [Fact]
    public void WithoutMargin_TheFieldOfViewAloneDecides_AndIsASetting()
    {
        var noMargin = new MemoryPolicy { ChangeMarginDegrees = 0 };
        Assert.True(ChangeSight.CouldShow(LookingEast, PaintAlongRay(32), noMargin));
        Assert.False(ChangeSight.CouldShow(LookingEast, PaintAlongRay(34), noMargin));

        var wide = new MemoryPolicy { ChangeMarginDegrees = 0, FieldOfViewDegrees = 90 };
        Assert.True(ChangeSight.CouldShow(LookingEast, PaintAlongRay(44), wide));
    }

    [Fact]
    public void ASpotOnlyPartlyInView_IsSeen()
    {
        // Painting south from (3, -3.2): the spot runs from 45° to 29.5° off the view's heading.
        Pose painter = At(3, -3.2, 90);
        Assert.True(ChangeSight.CouldShow(LookingEast, painter, Policy));
        // Painting north from a point in view (42.5° off): no wall is nearer than 0.2 cells, so the spot is from 44.5° on.
        Assert.False(ChangeSight.CouldShow(LookingEast, At(3, -2.75, -90), Policy));
    }

    [Fact]
    public void StaleFrom_GivesEachStepTheFirstLaterChangeItsViewCouldShow()
    {
        // A corridor along y = 1.5: a paint at step 2 of the wall east of x = 2.5, one at step 5 west of x = 1.5.
        Pose[] poses =
        [
            At(3.5, 1.5, 180),  // 0: looking west, sees both spots: stale from the first
            At(10.5, 1.5, 180), // 1: looking west, both spots over 6 cells away
            At(2.5, 1.5, 0),    // 2: paints east; the west spot is behind it
            At(2.5, 1.5, 180),  // 3: looking west: stale from the second
            At(1.5, 1.5, 90),   // 4: looking south, the west spot beside it
            At(1.5, 1.5, 180),  // 5: paints west: its frame shows the change already
            At(1.5, 1.5, 0),
            At(3.5, 1.5, 180),
        ];

        int[] staleFrom = ChangeSight.StaleFrom(poses, [(2, poses[2]), (5, poses[5])], Policy);

        Assert.Equal([2, 8, 8, 5, 8, 8, 8, 8], staleFrom);
        Assert.Equal(Enumerable.Repeat(8, 8), ChangeSight.StaleFrom(poses, [], Policy));
        Assert.Equal(staleFrom, ChangeSight.StaleFrom(poses, [(5, poses[5]), (2, poses[2])], Policy));
    }

    [Fact]
    public void StaleFrom_RefusesAChangeOutsideTheEpisode()
    {
        Pose[] poses = [LookingEast, LookingEast];
        Assert.Throws<ArgumentOutOfRangeException>(() => ChangeSight.StaleFrom(poses, [(2, LookingEast)], Policy));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChangeSight.StaleFrom(poses, [(-1, LookingEast)], Policy));
    }
}
