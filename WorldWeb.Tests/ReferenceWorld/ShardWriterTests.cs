using System.Text;
using System.Text.Json;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Shards;

namespace WorldWeb.Tests.ReferenceWorld;

[Trait(Category.Name, Category.Unit)]
public sealed class ShardWriterTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("worldweb-shards-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Episode_files_have_numpy_headers_with_the_documented_shapes()
    {
        var writer = new ShardWriter(directory, WorldOptions.Default);
        var name = writer.Record(seed: 4, steps: 20);
        writer.WriteIndex();

        Assert.Contains("'descr': '|u1', 'fortran_order': False, 'shape': (20, 64, 64, 3)", Header(name + ".frames.npy"));
        Assert.Contains("'descr': '<i8', 'fortran_order': False, 'shape': (20,)", Header(name + ".actions.npy"));
        Assert.Contains("'descr': '<f4', 'fortran_order': False, 'shape': (20, 3)", Header(name + ".poses.npy"));
        Assert.Equal(0, HeaderBytes(name + ".frames.npy") % 64);
        Assert.Equal(64L * 64 * 3 * 20, new FileInfo(Path.Combine(directory, name + ".frames.npy")).Length - HeaderBytes(name + ".frames.npy"));

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "index.json")));
        Assert.Equal("worldweb-shards/1", index.RootElement.GetProperty("format").GetString());
        Assert.Equal(8, index.RootElement.GetProperty("actions").GetArrayLength());
        Assert.Equal("paint", index.RootElement.GetProperty("presses")[0].GetString());
        Assert.Equal(5.0, index.RootElement.GetProperty("heading_step_degrees").GetDouble());
        double[] Step(string action) => [.. index.RootElement.GetProperty("move_steps").GetProperty(action).EnumerateArray().Select(v => v.GetDouble())];
        Assert.Equal([0, -0.08], Step("strafe_left"));
        Assert.Equal([0, 0], Step("turn_right"));
        Assert.Contains("'descr': '|u1', 'fortran_order': False, 'shape': (20,)", Header(name + ".changed.npy"));
        Assert.Equal(name, index.RootElement.GetProperty("episodes")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Replaying_the_recorded_actions_reproduces_the_recorded_poses_and_changes()
    {
        var writer = new ShardWriter(directory, WorldOptions.Default);
        var name = writer.Record(seed: 6, steps: 1200);
        var actions = Payload<long>(name + ".actions.npy");
        var poses = Payload<float>(name + ".poses.npy");
        var changed = Payload<byte>(name + ".changed.npy");
        var inReach = Payload<byte>(name + ".in_reach.npy");
        Assert.Equal(0L, actions[0]);
        Assert.Contains((byte)1, changed);
        Assert.Contains((byte)0, inReach);

        var world = World.Create(6);
        for (var t = 0; t < actions.Length; t++)
        {
            // A paint lands exactly where the step before recorded a face in reach.
            if (actions[t] == (long)WorldAction.Paint) Assert.Equal(inReach[t - 1] == 1, changed[t] == 1);
            Assert.Equal(changed[t] == 1, world.Apply((WorldAction)actions[t]));
            Assert.Equal(world.FaceAhead() is not null, inReach[t] == 1);
            Assert.Equal(poses[t * 3], (float)world.Pose.X);
            Assert.Equal(poses[t * 3 + 1], (float)world.Pose.Y);
            Assert.Equal(poses[t * 3 + 2], (float)world.Pose.Heading);
        }
    }

    private string Header(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, file));
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        return Encoding.ASCII.GetString(bytes, 10, BitConverter.ToUInt16(bytes, 8));
    }

    private long HeaderBytes(string file) => 10 + Header(file).Length;

    private T[] Payload<T>(string file) where T : unmanaged
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, file));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes.AsSpan((int)HeaderBytes(file))).ToArray();
    }
}
