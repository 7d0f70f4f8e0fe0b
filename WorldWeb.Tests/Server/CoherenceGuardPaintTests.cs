using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.Server.Coherence;
using WorldWeb.Tests.ReferenceWorld;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The guard on the reference world's own frames, which are right by definition: a player walks up to a wall until it
/// stops them and paints it. The mark then fills the view with one flat colour, as far from the brick before it as a
/// collapse is. On the play page every paint of paint37 was rolled back as a collapse until the guard was told which
/// steps changed the world.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CoherenceGuardPaintTests
{
    [Fact]
    public void A_paint_pressed_against_the_wall_and_the_flat_view_after_it_pass_and_the_same_frame_unasked_does_not()
    {
        var (walk, painted, _) = WalkUpAndPaint();

        var guard = Warmed(walk);
        Assert.Equal(FrameFault.None, Check(guard, painted, moved: false, changedWorld: true));
        for (var i = 0; i < 3; i++) Assert.Equal(FrameFault.None, Check(guard, painted, moved: false, changedWorld: false));

        Assert.NotEqual(FrameFault.None, Check(Warmed(walk), painted, moved: false, changedWorld: false));
    }

    [Fact]
    public void A_flat_frame_that_no_change_explains_is_still_blank_after_a_paint_has_come_and_gone()
    {
        var (walk, painted, world) = WalkUpAndPaint();
        var guard = Warmed(walk);
        Check(guard, painted, moved: false, changedWorld: true);
        byte[] view;
        do
        {
            world.Apply(WorldAction.Backward);  // back off until the mark's frame and the wall around it show again
            view = world.Render();
            Assert.Equal(FrameFault.None, Check(guard, view, moved: true, changedWorld: false));
        } while (view.Distinct().Count() < 4);

        var grey = new byte[painted.Length];
        Array.Fill(grey, (byte)128);
        Assert.Equal(FrameFault.Blank, Check(guard, grey, moved: true, changedWorld: false));
    }

    /// <summary>The world's frames turning on the spot and walking up to a wall until it stops the player, then the frame of its paint there, and the world.</summary>
    private static (List<byte[]> Walk, byte[] Painted, World World) WalkUpAndPaint()
    {
        var world = PaintTests.FacingWall(seed: 11);
        var heading = world.Pose.HeadingSteps;
        var walk = new List<byte[]>();
        for (var i = 0; i < AgentPose.StepsPerTurn / 2; i++)
        {
            world.Apply(WorldAction.TurnLeft);
            walk.Add(world.Render());
        }
        while (world.Pose.HeadingSteps != heading)
        {
            world.Apply(WorldAction.TurnRight);
            walk.Add(world.Render());
        }
        var before = world.Pose;
        while (true)
        {
            world.Apply(WorldAction.Forward);
            if (world.Pose == before) break;
            walk.Add(world.Render());
            before = world.Pose;
        }
        Assert.True(world.Apply(WorldAction.Paint));
        return (walk, world.Render(), world);
    }

    private static CoherenceGuard Warmed(List<byte[]> walk)
    {
        var guard = new CoherenceGuard(new CoherenceOptions());
        foreach (var frame in walk) Assert.Equal(FrameFault.None, Check(guard, frame, moved: true, changedWorld: false));
        return guard;
    }

    private static FrameFault Check(CoherenceGuard guard, byte[] rgb, bool moved, bool changedWorld) =>
        guard.Check([.. rgb.Select(b => b / 255f)], rgb, moved, changedWorld, revisitPsnr: null, new RevisitScore());
}
