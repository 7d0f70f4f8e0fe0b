using System.IO.Compression;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>
/// The bytes of a save: a little-endian header (format, step, pose, frame size, counts), the context frames as raw
/// RGB24 and the memory by reference (step of the latest write, then step and hits of each entry held; the frames
/// are in the memory store), all Brotli-compressed. Saves of the first format (<c>WWS1</c>, memory frames inline)
/// still load, without their memory.
/// </summary>
public static class SaveCodec
{
    private const uint Magic = 0x32535757; // "WWS2"
    private const uint MagicInlineKeyframes = 0x31535757; // "WWS1"

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
            writer.Write(state.Memory.LastWriteStep);
            writer.Write(state.Memory.Entries.Count);
            foreach (MemorySnapshot.Held held in state.Memory.Entries)
            {
                writer.Write(held.Step);
                writer.Write(held.Hits);
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
            uint magic = reader.ReadUInt32();
            if (magic is not (Magic or MagicInlineKeyframes))
            {
                throw new InvalidDataException("not a WorldWeb save");
            }
            long step = reader.ReadInt64();
            Pose pose = ReadPose(reader);
            int frameBytes = reader.ReadInt32();
            byte[][] context = Enumerable.Range(0, reader.ReadInt32()).Select(_ => ReadExactly(reader, frameBytes)).ToArray();
            if (magic == MagicInlineKeyframes)
            {
                return new WorldState(step, pose, context, MemorySnapshot.Empty);
            }
            long lastWrite = reader.ReadInt64();
            MemorySnapshot.Held[] held = Enumerable.Range(0, reader.ReadInt32())
                .Select(_ => new MemorySnapshot.Held(reader.ReadInt64(), reader.ReadInt32())).ToArray();
            return new WorldState(step, pose, context, new MemorySnapshot(lastWrite, held));
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
