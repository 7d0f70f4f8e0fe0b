using WorldWeb.Inference.Poses;
using WorldWeb.Memory;

namespace WorldWeb.Tests.Memory;

/// <summary>Small frames and hand-placed memories for the memory tests.</summary>
internal static class MemoryFixtures
{
    public const int Size = 16;

    /// <summary>How these tests' memories store frames: as JPEG, there being no model and so no codebook.</summary>
    public static MemoryFrameCodec JpegFrames { get; } = MemoryFrameCodec.For(new MemoryPolicy(), Size, Size, tokens: null);

    public static byte[] Frame(Random random)
    {
        byte[] frame = new byte[Size * Size * 3];
        random.NextBytes(frame);
        return frame;
    }

    public static MemoryEntry Entry(long step, double x, double y, double headingDegrees, bool landmark = false)
    {
        byte[] rgb = Frame(new Random((int)step));
        byte[] encoded = JpegFrames.Encode(rgb);
        return new MemoryEntry(step, new Pose(x, y, headingDegrees * Math.PI / 180), encoded, JpegFrames.Decode(encoded), landmark);
    }

    public static Pose At(double x, double y, double headingDegrees) => new(x, y, headingDegrees * Math.PI / 180);

    public static WorldMemory Holding(MemoryPolicy policy, params MemoryEntry[] entries) =>
        WorldMemory.Restore(policy, JpegFrames, new MemorySnapshot(0, entries.Select(e => new MemorySnapshot.Held(e.Step, 0)).ToArray()), entries);

    /// <summary>A walk that wanders the square [0, side)² and turns now and then, one pose per step.</summary>
    public static IEnumerable<Pose> Walk(int seed, int steps, double side)
    {
        var random = new Random(seed);
        var pose = new Pose(side / 2, side / 2, 0);
        for (int i = 0; i < steps; i++)
        {
            double heading = random.NextDouble() < 0.1 ? pose.Heading + (random.NextDouble() - 0.5) * Math.PI : pose.Heading;
            double x = pose.X + 0.1 * Math.Cos(heading), y = pose.Y + 0.1 * Math.Sin(heading);
            if (x < 0 || y < 0 || x >= side || y >= side)
            {
                (x, y, heading) = (pose.X, pose.Y, heading + Math.PI);
            }
            pose = new Pose(x, y, Angles.Wrap(heading));
            yield return pose;
        }
    }
}
