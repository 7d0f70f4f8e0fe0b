using WorldWeb.Inference.Frames;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// A batch's input and output arrays, allocated once on the pinned object heap: ONNX Runtime reads and writes
/// them in place, and pinning them for good keeps the GC from having to work around many short pins.
/// Context and memory frames are floats or bytes as the graph takes them (<see cref="BatchLayout.Rgb24Frames"/>);
/// the other kind stays empty. A graph that takes frames snapped to its codebook gets them snapped as they are written.
/// </summary>
internal sealed class StepBuffers
{
    private readonly BatchLayout _layout;
    private readonly FrameSnapper? _snapper;

    public StepBuffers(BatchLayout layout, int capacity, FrameSnapper? snapper = null)
    {
        _layout = layout;
        _snapper = snapper;
        int contextValues = capacity * layout.ContextFloats, memoryValues = capacity * layout.MemoryFloats;
        Context = Pinned<float>(layout.Rgb24Frames ? 0 : contextValues);
        Memory = Pinned<float>(layout.Rgb24Frames ? 0 : memoryValues);
        ContextRgb = Pinned<byte>(layout.Rgb24Frames ? contextValues : 0);
        MemoryRgb = Pinned<byte>(layout.Rgb24Frames ? memoryValues : 0);
        Action = Pinned<long>(capacity);
        MemoryPose = Pinned<float>(capacity * layout.MemoryPoseFloats);
        Noise = Pinned<float>(capacity * layout.FrameFloats);
        Frame = Pinned<float>(capacity * layout.FrameFloats);
        PoseDelta = Pinned<float>(capacity * BatchLayout.PoseDeltaFloats);
        ViewPose = Pinned<float>(layout.TakesViewPose ? capacity * BatchLayout.ViewPoseFloats : 0);
    }

    public float[] Context { get; }
    public float[] Memory { get; }
    public byte[] ContextRgb { get; }
    public byte[] MemoryRgb { get; }
    public long[] Action { get; }
    public float[] MemoryPose { get; }
    public float[] Noise { get; }
    public float[] Frame { get; }
    public float[] PoseDelta { get; }
    public float[] ViewPose { get; }

    public Span<float> MemoryPoseRow(int row) => MemoryPose.AsSpan(row * _layout.MemoryPoseFloats, _layout.MemoryPoseFloats);
    public Span<float> NoiseRow(int row) => Noise.AsSpan(row * _layout.FrameFloats, _layout.FrameFloats);
    public Span<float> FrameRow(int row) => Frame.AsSpan(row * _layout.FrameFloats, _layout.FrameFloats);
    public Span<float> PoseDeltaRow(int row) => PoseDelta.AsSpan(row * BatchLayout.PoseDeltaFloats, BatchLayout.PoseDeltaFloats);

    /// <summary>Empty when the graph takes no view pose.</summary>
    public Span<float> ViewPoseRow(int row) =>
        _layout.TakesViewPose ? ViewPose.AsSpan(row * BatchLayout.ViewPoseFloats, BatchLayout.ViewPoseFloats) : [];

    /// <summary>Frame <paramref name="index"/> of all context frames (row × K + k) from 8-bit RGB, as the graph takes it.</summary>
    public void WriteContextFrame(int index, ReadOnlySpan<byte> rgb) => WriteFrame(Context, ContextRgb, index, rgb);

    /// <summary>Frame <paramref name="index"/> of all memory frames (row × M + slot) from 8-bit RGB, as the graph takes it.</summary>
    public void WriteMemoryFrame(int index, ReadOnlySpan<byte> rgb) => WriteFrame(Memory, MemoryRgb, index, rgb);

    public void ClearInputs(int row)
    {
        int context = _layout.ContextFloats, memory = _layout.MemoryFloats;
        if (_layout.Rgb24Frames)
        {
            ContextRgb.AsSpan(row * context, context).Clear();
            MemoryRgb.AsSpan(row * memory, memory).Clear();
        }
        else
        {
            Context.AsSpan(row * context, context).Clear();
            Memory.AsSpan(row * memory, memory).Clear();
        }
        Action[row] = 0;
        MemoryPoseRow(row).Clear();
        NoiseRow(row).Clear();
        ViewPoseRow(row).Clear();
    }

    private void WriteFrame(float[] floats, byte[] bytes, int index, ReadOnlySpan<byte> rgb)
    {
        int n = _layout.FrameFloats;
        if (rgb.Length != n)
        {
            throw new ArgumentException($"an RGB frame of this model holds {n} bytes, not {rgb.Length}", nameof(rgb));
        }
        if (_snapper is not null)
        {
            _snapper.Snap(rgb, bytes.AsSpan(index * n, n));
        }
        else if (_layout.Rgb24Frames)
        {
            rgb.CopyTo(bytes.AsSpan(index * n, n));
        }
        else
        {
            Frames.FrameMath.FromRgb24(rgb, floats.AsSpan(index * n, n));
        }
    }

    private static T[] Pinned<T>(int length) => GC.AllocateArray<T>(length, pinned: true);
}
