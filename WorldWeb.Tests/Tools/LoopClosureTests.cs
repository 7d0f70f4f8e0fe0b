using WorldWeb.ReferenceWorld;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

[Trait(Category.Name, Category.Unit)]
public class LoopClosureTests
{
    [Fact]
    public void Found_loops_return_to_the_start_view_after_losing_sight_of_it()
    {
        var trajectory = ReferenceTrajectory.Record(1001, 300);
        var starts = LoopClosure.FindStarts(trajectory, 12, max: 4, spacing: 20);
        Assert.NotEmpty(starts);
        foreach (var (start, index) in starts.Select((s, i) => (s, i)))
        {
            var world = World.Create(1001);
            world.Pose = trajectory.AgentPoses[start];
            var startView = world.Render();
            var views = new List<byte[]>();
            foreach (var action in LoopClosure.Actions(LoopClosure.LoopTurn(index)))
            {
                world.Apply(action);
                views.Add(world.Render());
            }
            Assert.Equal(startView, views[^1]);
            Assert.Contains(views, v => FrameQuality.Psnr(v, startView) < 20); // A was out of sight on the way
        }
    }
}
