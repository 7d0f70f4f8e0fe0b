using System.IO.Compression;
using WorldWeb.Inference.Poses;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>
/// The bytes of a save: a little-endian header (format, step, pose, frame size, counts), the context frames and
/// keyframes as raw RGB24, all Brotli-compressed.
/// </summary>
public static class SaveCodec
{
    private const uint Magic = 0x31535757; // "WWS1"

    public static byte[] Encode(WorldState state)
    {
        int frameBytes = state.CurrentFrame.Length;
        using var raw = new MemoryStream();
        using (var writer = new BinaryWriter(raw, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(state.Step);
            WritePose(writer, state.Pose);
            writer.Write(frameBytes);
            writer.Write(state.Context.Count);
            foreach (byte[] frame in state.Context)
            {
                writer.Write(frame);
            }
            writer.Write(state.Keyframes.Count);
            foreach (Keyframe keyframe in state.Keyframes)
            {
                writer.Write(keyframe.Step);
                WritePose(writer, keyframe.Pose);
                writer.Write(keyframe.Rgb);
            }
        }
        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(brotli);
        }
        return compressed.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a save of this format.</exception>
    public static WorldState Decode(byte[] bytes)
    {
        using var brotli = new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new BinaryReader(brotli);
        try
        {
            if (reader.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("not a WorldWeb save");
            }
            long step = reader.ReadInt64();
            Pose pose = ReadPose(reader);
            int frameBytes = reader.ReadInt32();
            byte[][] context = Enumerable.Range(0, reader.ReadInt32()).Select(_ => ReadExactly(reader, frameBytes)).ToArray();
            Keyframe[] keyframes = Enumerable.Range(0, reader.ReadInt32())
                .Select(_ => new Keyframe(reader.ReadInt64(), ReadPose(reader), ReadExactly(reader, frameBytes)))
                .ToArray();
            return new WorldState(step, pose, context, keyframes);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the save is truncated", ex);
        }
    }

    private static void WritePose(BinaryWriter writer, Pose pose)
    {
        writer.Write(pose.X);
        writer.Write(pose.Y);
        writer.Write(pose.Heading);
    }

    private static Pose ReadPose(BinaryReader reader) => new(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        byte[] bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }
}
