using WorldWeb.ReferenceWorld;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

[Trait(Category.Name, Category.Unit)]
public sealed class PlayPolicyTests
{
    [Fact]
    public void Explore_holds_each_key_5_to_20_steps_mostly_forward_and_turns()
    {
        var actions = PlayPolicy.Explore(seed: 3, steps: 20_000);
        Assert.Equal(20_000, actions.Count);
        var runs = new List<(WorldAction Action, int Length)>();
        foreach (var action in actions)
            if (runs.Count > 0 && runs[^1].Action == action) runs[^1] = (action, runs[^1].Length + 1);
            else runs.Add((action, 1));
        // The last hold may be cut by the step count; two holds of one key in a row merge into one longer run.
        Assert.All(runs.SkipLast(1), r => Assert.True(r.Length >= 5));
        Assert.True(runs.Count(r => r.Length <= 20) > 0.75 * runs.Count);
        double Share(params WorldAction[] kinds) => actions.Count(kinds.Contains) / (double)actions.Count;
        Assert.InRange(Share(WorldAction.Forward), 0.38, 0.52);
        Assert.InRange(Share(WorldAction.TurnLeft, WorldAction.TurnRight), 0.24, 0.36);
        Assert.InRange(Share(WorldAction.StrafeLeft, WorldAction.StrafeRight), 0.10, 0.20);
    }

    [Fact]
    public void A_revisit_cycle_from_a_free_corridor_shows_only_what_the_first_cycle_showed()
    {
        var trajectory = ReferenceTrajectory.Record(1001, 300);
        var start = Enumerable.Range(10, 280).First(t => PlayPolicy.CorridorIsFree(trajectory.World, trajectory.AgentPoses[t]));
        var world = World.Create(1001);
        world.Pose = trajectory.AgentPoses[start];
        var views = new List<byte[]>();
        foreach (var action in PlayPolicy.Revisit(4 * PlayPolicy.RevisitCycleLength))
        {
            world.Apply(action);
            views.Add(world.Render());
        }
        Assert.Equal(trajectory.AgentPoses[start], world.Pose);
        var seen = views.Take(2 * PlayPolicy.RevisitCycleLength).ToList();
        Assert.All(views.Skip(seen.Count), v => Assert.Contains(seen, s => s.AsSpan().SequenceEqual(v)));
    }
}
