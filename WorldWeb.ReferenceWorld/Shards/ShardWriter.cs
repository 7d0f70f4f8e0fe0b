using System.Text.Json;
using WorldWeb.ReferenceWorld.Exploration;

namespace WorldWeb.ReferenceWorld.Shards;

/// <summary>
/// Records exploration episodes as training shards: per episode frames uint8 [T,H,W,3],
/// actions int64 [T] and poses float32 [T,3], plus an index.json describing them all.
/// actions[t] is the action applied at step t that produced frames[t]; actions[0] is noop.
/// </summary>
public sealed class ShardWriter(string directory, WorldOptions options)
{
    private readonly List<object> episodes = [];

    public string Record(int seed, int steps)
    {
        var world = World.Create(seed, options);
        var explorer = new Explorer(world, seed);
        var frameBytes = world.FrameBytes;
        var frames = new byte[(long)steps * frameBytes];
        var actions = new long[steps];
        var poses = new float[steps * 3];
        for (var t = 0; t < steps; t++)
        {
            var action = t == 0 ? WorldAction.Noop : explorer.Next();
            world.Apply(action);
            actions[t] = (long)action;
            world.Render(frames.AsSpan(t * frameBytes, frameBytes));
            poses[t * 3] = (float)world.Pose.X;
            poses[t * 3 + 1] = (float)world.Pose.Y;
            poses[t * 3 + 2] = (float)world.Pose.Heading;
        }
        var name = $"ep_{seed:D5}";
        Directory.CreateDirectory(directory);
        NpyWriter.Write<byte>(Path.Combine(directory, name + ".frames.npy"), frames, steps, options.Height, options.Width, 3);
        NpyWriter.Write<long>(Path.Combine(directory, name + ".actions.npy"), actions, steps);
        NpyWriter.Write<float>(Path.Combine(directory, name + ".poses.npy"), poses, steps, 3);
        episodes.Add(new { name, seed, steps });
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
            episodes,
        };
        File.WriteAllText(Path.Combine(directory, "index.json"), JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
    }
}
