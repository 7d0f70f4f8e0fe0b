using System.IO.Compression;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>
/// The bytes of a save: a little-endian header (format, step, pose, frame size, counts), the context frames as raw
/// RGB24, the memory by reference (step of the latest write, then step and hits of each entry held; the frames
/// are in the memory store) and the coherence state (<see cref="CoherenceState"/>, when there is one), all
/// Brotli-compressed. Older formats still load: <c>WWS2</c> without its coherence state, <c>WWS1</c> (memory
/// frames inline) without its memory either.
/// </summary>
public static class SaveCodec
{
    private const uint Magic = 0x33535757; // "WWS3"
    private const uint MagicWithoutCoherence = 0x32535757; // "WWS2"
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
            writer.Write(state.Coherence is not null);
            if (state.Coherence is { } coherence)
            {
                WriteCoherence(writer, coherence, frameBytes);
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
            if (magic is not (Magic or MagicWithoutCoherence or MagicInlineKeyframes))
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
            CoherenceState? coherence = magic == Magic && reader.ReadBoolean() ? ReadCoherence(reader, frameBytes) : null;
            return new WorldState(step, pose, context, new MemorySnapshot(lastWrite, held), coherence);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the save is truncated", ex);
        }
    }

    private static void WriteCoherence(BinaryWriter writer, CoherenceState coherence, int frameBytes)
    {
        writer.Write(coherence.Revisits);
        writer.Write(coherence.RevisitPsnrSum);
        writer.Write(coherence.LastRevisitPsnr ?? double.NaN);
        writer.Write(coherence.Rollbacks);
        writer.Write(coherence.Guard.Primed);
        writer.Write(coherence.Guard.Repeats);
        writer.Write(coherence.Guard.Seen);
        writer.Write(coherence.Guard.MeanFramePsnr);
        WritePose(writer, coherence.CheckpointPose);
        writer.Write(coherence.CheckpointContext.Count);
        foreach (byte[] frame in coherence.CheckpointContext)
        {
            if (frame.Length != frameBytes)
            {
                throw new ArgumentException($"a checkpoint frame has {frame.Length} bytes, the context's {frameBytes}");
            }
            writer.Write(frame);
        }
    }

    private static CoherenceState ReadCoherence(BinaryReader reader, int frameBytes)
    {
        int revisits = reader.ReadInt32();
        double sum = reader.ReadDouble();
        double last = reader.ReadDouble();
        int rollbacks = reader.ReadInt32();
        var guard = new CoherenceGuard.GuardState(reader.ReadBoolean(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble());
        Pose checkpointPose = ReadPose(reader);
        byte[][] checkpointContext = Enumerable.Range(0, reader.ReadInt32()).Select(_ => ReadExactly(reader, frameBytes)).ToArray();
        return new CoherenceState(revisits, sum, double.IsNaN(last) ? null : last, rollbacks, guard, checkpointPose, checkpointContext);
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
