using System.IO.Compression;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// The bytes of a save: a little-endian header (format, step, pose, frame size, counts), the context frames, the
/// memory by reference (step of the latest write, then step and hits of each entry held; the frames are in the
/// memory store), the coherence state (<see cref="CoherenceState"/>, when there is one) and the places stood on
/// (<see cref="StoodPlaces"/>: a count, then x and y as float32 each), all Brotli-compressed.
/// A frame is stored as the model's codebook tokens (<see cref="TokenFrameCodec"/>) where they give it back byte for
/// byte, as they do every frame the model wrote, else as raw RGB24 (a start state's real frames), so a save replays
/// exactly either way. Older formats still load: <c>WWS4</c> without places stood on, <c>WWS3</c> also with raw frames only, <c>WWS2</c> also without its
/// coherence state, <c>WWS1</c> (memory frames inline) without its memory either.
/// </summary>
public static class SaveCodec
{
    private const uint Magic = 0x35535757; // "WWS5"
    private const uint MagicWithoutPlaces = 0x34535757; // "WWS4"
    private const uint MagicRawFrames = 0x33535757; // "WWS3"
    private const uint MagicWithoutCoherence = 0x32535757; // "WWS2"
    private const uint MagicInlineKeyframes = 0x31535757; // "WWS1"

    // What a save may claim before a byte of it is trusted: a save is a database row another node (or anyone who can
    // write the table) wrote, and its sizes decide what is allocated. Far above any model's (64×64, 4 frames, 512 memories).
    public const int MaxFrameBytes = 1024 * 1024 * 3;
    public const int MaxFrames = 64;
    public const int MaxMemoryEntries = 100_000;
    public const int MaxStoodPlaces = StoodPlaces.MaxPlaces;

    /// <param name="tokens">The world's model's codebook tokens; null: every frame raw.</param>
    public static byte[] Encode(WorldState state, TokenFrameCodec? tokens = null)
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
                WriteFrame(writer, frame, tokens);
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
                WriteCoherence(writer, coherence, frameBytes, tokens);
            }
            writer.Write(state.Memory.StoodPlaces.Count);
            foreach (StoodPlaces.Place place in state.Memory.StoodPlaces)
            {
                writer.Write(place.X);
                writer.Write(place.Y);
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

    /// <summary>A save of a world of <paramref name="model"/>: one whose frames the model cannot take (made by another model of that
    /// name, or crafted) is refused from its header, before any frame is read.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a save of this format, or not one the model can run.</exception>
    public static WorldState Decode(byte[] bytes, LoadedModel model) =>
        Decode(bytes, model.Tokens, (model.Manifest.Frame.ValueCount, model.Manifest.ContextFrames, model.Name));

    /// <param name="tokens">The world's model's codebook tokens, to read frames stored as tokens with.</param>
    /// <param name="shape">The frame size and context frames the save must hold, when a model (named) will run it.</param>
    /// <exception cref="InvalidDataException">The bytes are not a save of this format, or hold tokens <paramref name="tokens"/> cannot read.</exception>
    public static WorldState Decode(byte[] bytes, TokenFrameCodec? tokens = null, (int FrameBytes, int ContextFrames, string Model)? shape = null)
    {
        using var brotli = new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new BinaryReader(brotli);
        try
        {
            uint magic = reader.ReadUInt32();
            if (magic is not (Magic or MagicWithoutPlaces or MagicRawFrames or MagicWithoutCoherence or MagicInlineKeyframes))
            {
                throw new InvalidDataException("not a WorldWeb save");
            }
            long step = Within(reader.ReadInt64(), 0, long.MaxValue, "step");
            Pose pose = ReadPose(reader);
            int frameBytes = Within(reader.ReadInt32(), 1, MaxFrameBytes, "frame size");
            var frames = new FrameReader(reader, frameBytes, magic is Magic or MagicWithoutPlaces, tokens);
            int contextFrames = Within(reader.ReadInt32(), 1, MaxFrames, "context frames");
            if (shape is { } takes && (frameBytes != takes.FrameBytes || contextFrames != takes.ContextFrames))
            {
                throw new InvalidDataException($"it holds {contextFrames} frames of {frameBytes} bytes, but the model '{takes.Model}' now loaded takes " +
                    $"{takes.ContextFrames} of {takes.FrameBytes}: it was made by another model of that name");
            }
            byte[][] context = Enumerable.Range(0, contextFrames).Select(_ => frames.Read()).ToArray();
            if (magic == MagicInlineKeyframes)
            {
                return new WorldState(step, pose, context, MemorySnapshot.Empty);
            }
            long lastWrite = Within(reader.ReadInt64(), 0, long.MaxValue, "last memory write");
            MemorySnapshot.Held[] held = Enumerable.Range(0, Within(reader.ReadInt32(), 0, MaxMemoryEntries, "memory entries"))
                .Select(_ => new MemorySnapshot.Held(Within(reader.ReadInt64(), 0, long.MaxValue, "memory step"), Within(reader.ReadInt32(), 0, int.MaxValue, "memory hits")))
                .ToArray();
            CoherenceState? coherence = (magic is Magic or MagicWithoutPlaces or MagicRawFrames) && reader.ReadBoolean() ? ReadCoherence(reader, frames) : null;
            StoodPlaces.Place[] stood = magic == Magic
                ? Enumerable.Range(0, Within(reader.ReadInt32(), 0, MaxStoodPlaces, "places stood on"))
                    .Select(_ => new StoodPlaces.Place(Finite(reader.ReadSingle()), Finite(reader.ReadSingle()))).ToArray()
                : [];
            return new WorldState(step, pose, context, new MemorySnapshot(lastWrite, held, stood), coherence);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the save is truncated", ex);
        }
        catch (InvalidOperationException ex)
        {
            // BrotliStream's answer to bytes that are not Brotli ("Decoder ran into invalid data").
            throw new InvalidDataException("not a WorldWeb save (its compression is damaged)", ex);
        }
    }

    private static void WriteCoherence(BinaryWriter writer, CoherenceState coherence, int frameBytes, TokenFrameCodec? tokens)
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
            WriteFrame(writer, frame, tokens);
        }
    }

    private static CoherenceState ReadCoherence(BinaryReader reader, FrameReader frames)
    {
        int revisits = reader.ReadInt32();
        double sum = reader.ReadDouble();
        double last = reader.ReadDouble();
        int rollbacks = reader.ReadInt32();
        var guard = new CoherenceGuard.GuardState(reader.ReadBoolean(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble());
        Pose checkpointPose = ReadPose(reader);
        byte[][] checkpointContext = Enumerable.Range(0, Within(reader.ReadInt32(), 0, MaxFrames, "checkpoint frames")).Select(_ => frames.Read()).ToArray();
        return new CoherenceState(revisits, sum, double.IsNaN(last) ? null : last, rollbacks, guard, checkpointPose, checkpointContext);
    }

    private static void WritePose(BinaryWriter writer, Pose pose)
    {
        writer.Write(pose.X);
        writer.Write(pose.Y);
        writer.Write(pose.Heading);
    }

    private static Pose ReadPose(BinaryReader reader)
    {
        var pose = new Pose(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
        return double.IsFinite(pose.X) && double.IsFinite(pose.Y) && double.IsFinite(pose.Heading)
            ? pose
            : throw new InvalidDataException($"a save's pose is not finite ({pose.X}, {pose.Y}, {pose.Heading})");
    }

    private static float Finite(float value) =>
        float.IsFinite(value) ? value : throw new InvalidDataException($"a save's place stood on is not finite ({value})");

    private static T Within<T>(T value, T least, T most, string what) where T : System.Numerics.INumber<T> =>
        value >= least && value <= most ? value : throw new InvalidDataException($"a save claims {value} for its {what} (allowed {least}–{most})");

    /// <summary>A flag, then the frame as tokens (length, bytes) where they give it back exactly, else raw.</summary>
    private static void WriteFrame(BinaryWriter writer, byte[] frame, TokenFrameCodec? tokens)
    {
        (byte[] Encoded, byte[] Decoded)? stored = tokens is not null && frame.Length == tokens.FrameBytes ? tokens.EncodeAndRender(frame) : null;
        if (stored is ({ } encoded, { } decoded) && decoded.AsSpan().SequenceEqual(frame))
        {
            writer.Write(true);
            writer.Write(encoded.Length);
            writer.Write(encoded);
        }
        else
        {
            writer.Write(false);
            writer.Write(frame);
        }
    }

    /// <summary>Frames of <c>WWS4</c> as <see cref="WriteFrame"/> wrote them, or of an older format as raw RGB24.</summary>
    private sealed class FrameReader(BinaryReader reader, int frameBytes, bool flagged, TokenFrameCodec? tokens)
    {
        public byte[] Read()
        {
            if (!flagged || !reader.ReadBoolean())
            {
                return ReadExactly(reader, frameBytes);
            }
            int length = reader.ReadInt32();
            if (length <= 0 || length > frameBytes)
            {
                throw new InvalidDataException($"a save's frame claims {length} bytes of tokens");
            }
            byte[] frame = (tokens ?? throw new InvalidDataException("the save holds frames as codebook tokens, and the model has no codebook"))
                .Decode(ReadExactly(reader, length));
            return frame.Length == frameBytes ? frame : throw new InvalidDataException($"a save's frame is {frame.Length} bytes, its header says {frameBytes}");
        }
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        byte[] bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }
}
