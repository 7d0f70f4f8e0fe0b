using System.Text.Json;
using WorldWeb.ReferenceWorld.Exploration;

namespace WorldWeb.ReferenceWorld.Shards;

/// <summary>
/// Records exploration episodes as training shards: per episode frames uint8 [T,H,W,3], actions int64 [T], poses
/// float32 [T,3], changed uint8 [T] (1 where the step's action changed the world: a paint that reached a wall) and
/// in_reach uint8 [T] (1 where a wall face is within a paint's reach straight ahead of pose t: a paint from there would
/// mark it, and from anywhere else changes nothing, which training teaches from these poses), plus an index.json
/// describing them all. actions[t] is the action applied at step t that produced frames[t]; actions[0] is noop.
/// With <paramref name="staleFrom"/>, also stale_from int64 [T]: for each step, the first later step from which a
/// change makes its view out of date as a memory (the server's memory rule, given the poses and the steps that
/// changed the world), so training recalls what the server would. Without <paramref name="paints"/>
/// the explorer walks as it did before paint existed (the shards models up to 0.2.4 were trained on); with
/// <paramref name="pressesWalls"/> it also walks into walls now and then and keeps pressing (<see cref="Explorer"/>).
/// </summary>
public sealed class ShardWriter(string directory, WorldOptions options, Func<IReadOnlyList<AgentPose>, IReadOnlyList<int>, long[]>? staleFrom = null, bool paints = true,
    bool pressesWalls = false)
{
    private readonly List<object> episodes = [];

    public string Record(int seed, int steps)
    {
        var world = World.Create(seed, options);
        var explorer = new Explorer(world, seed, paints, pressesWalls);
        var frameBytes = world.FrameBytes;
        var frames = new byte[(long)steps * frameBytes];
        var actions = new long[steps];
        var poses = new float[steps * 3];
        var changed = new byte[steps];
        var inReach = new byte[steps];
        var path = new List<AgentPose>(steps);
        var changes = new List<int>();
        for (var t = 0; t < steps; t++)
        {
            var action = t == 0 ? WorldAction.Noop : explorer.Next();
            if (world.Apply(action))
            {
                changed[t] = 1;
                changes.Add(t);
            }
            actions[t] = (long)action;
            world.Render(frames.AsSpan(t * frameBytes, frameBytes));
            path.Add(world.Pose);
            inReach[t] = world.FaceAhead() is null ? (byte)0 : (byte)1;
            poses[t * 3] = (float)world.Pose.X;
            poses[t * 3 + 1] = (float)world.Pose.Y;
            poses[t * 3 + 2] = (float)world.Pose.Heading;
        }
        var name = $"ep_{seed:D5}";
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, name);
        NpyWriter.Write<byte>(stem + ".frames.npy", frames, steps, options.Height, options.Width, 3);
        NpyWriter.Write<long>(stem + ".actions.npy", actions, steps);
        NpyWriter.Write<float>(stem + ".poses.npy", poses, steps, 3);
        NpyWriter.Write<byte>(stem + ".changed.npy", changed, steps);
        NpyWriter.Write<byte>(stem + ".in_reach.npy", inReach, steps);
        if (staleFrom is not null) NpyWriter.Write<long>(stem + ".stale_from.npy", staleFrom(path, changes), steps);
        episodes.Add(new { name, seed, steps, changes = changes.Count });
        return name;
    }

    public void WriteIndex()
    {
        var index = new
        {
            format = "worldweb-shards/1",
            width = options.Width,
            height = options.Height,
            maze_size = options.MazeSize,
            actions = WorldActions.Names,
            presses = WorldActions.Presses,
            changes_world = WorldActions.ChangesWorld,
            heading_step_degrees = 360.0 / AgentPose.StepsPerTurn,
            move_steps = Enum.GetValues<WorldAction>().Where(a => a != WorldAction.Noop)
                .ToDictionary(a => WorldActions.Names[(int)a], a => new[] { options.StepOf(a).Forward, options.StepOf(a).Right }),
            episodes,
        };
        File.WriteAllText(Path.Combine(directory, "index.json"), JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
    }
}
