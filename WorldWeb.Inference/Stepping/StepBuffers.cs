namespace WorldWeb.Inference.Stepping;

/// <summary>
/// A batch's input and output arrays, allocated once on the pinned object heap: ONNX Runtime reads and writes
/// them in place, and pinning them for good keeps the GC from having to work around many short pins.
/// </summary>
internal sealed class StepBuffers
{
    private readonly BatchLayout _layout;

    public StepBuffers(BatchLayout layout, int capacity)
    {
        _layout = layout;
        Context = Pinned<float>(capacity * layout.ContextFloats);
        Action = Pinned<long>(capacity);
        Memory = Pinned<float>(capacity * layout.MemoryFloats);
        MemoryPose = Pinned<float>(capacity * layout.MemoryPoseFloats);
        Noise = Pinned<float>(capacity * layout.FrameFloats);
        Frame = Pinned<float>(capacity * layout.FrameFloats);
        PoseDelta = Pinned<float>(capacity * BatchLayout.PoseDeltaFloats);
    }

    public float[] Context { get; }
    public long[] Action { get; }
    public float[] Memory { get; }
    public float[] MemoryPose { get; }
    public float[] Noise { get; }
    public float[] Frame { get; }
    public float[] PoseDelta { get; }

    public Span<float> ContextRow(int row) => Context.AsSpan(row * _layout.ContextFloats, _layout.ContextFloats);
    public Span<float> MemoryRow(int row) => Memory.AsSpan(row * _layout.MemoryFloats, _layout.MemoryFloats);
    public Span<float> MemoryPoseRow(int row) => MemoryPose.AsSpan(row * _layout.MemoryPoseFloats, _layout.MemoryPoseFloats);
    public Span<float> NoiseRow(int row) => Noise.AsSpan(row * _layout.FrameFloats, _layout.FrameFloats);
    public Span<float> FrameRow(int row) => Frame.AsSpan(row * _layout.FrameFloats, _layout.FrameFloats);
    public Span<float> PoseDeltaRow(int row) => PoseDelta.AsSpan(row * BatchLayout.PoseDeltaFloats, BatchLayout.PoseDeltaFloats);

    public void ClearInputs(int row)
    {
        ContextRow(row).Clear();
        Action[row] = 0;
        MemoryRow(row).Clear();
        MemoryPoseRow(row).Clear();
        NoiseRow(row).Clear();
    }

    private static T[] Pinned<T>(int length) => GC.AllocateArray<T>(length, pinned: true);
}
