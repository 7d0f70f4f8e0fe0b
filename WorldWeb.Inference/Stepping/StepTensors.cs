using Microsoft.ML.OnnxRuntime;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// The ONNX values of one batch size, each a view over the first rows of a batch's pinned buffers, so a step
/// copies nothing in or out of managed memory.
/// </summary>
/// <remarks>
/// These are passed to <c>Run</c> each step rather than bound once with an <c>OrtIoBinding</c>: a binding copies
/// an input to the device when it is bound, so on CUDA a cached binding would keep feeding the first tick's inputs.
/// On CPU the binding saved about 3 µs a step on the fixture, not worth a second code path.
/// </remarks>
internal sealed class StepTensors : IDisposable
{
    private StepTensors(OrtValue[] inputs, OrtValue[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>In the order of <see cref="BatchLayout.InputNames"/>.</summary>
    public OrtValue[] Inputs { get; }

    /// <summary>In the order of <see cref="BatchLayout.OutputNames"/>.</summary>
    public OrtValue[] Outputs { get; }

    public static StepTensors Create(BatchLayout layout, StepBuffers buffers, int rows)
    {
        var created = new List<OrtValue>(7);
        try
        {
            OrtValue View<T>(T[] buffer, int rowLength, params long[] rowShape) where T : unmanaged
            {
                OrtValue value = OrtValue.CreateTensorValueFromMemory(
                    OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, rows * rowLength), [rows, .. rowShape]);
                created.Add(value);
                return value;
            }

            int c = layout.Channels, h = layout.Height, w = layout.Width, k = layout.ContextFrames, m = layout.MemorySlots;
            OrtValue Frames(float[] floats, byte[] rgb, int rowLength, int frames) => layout.Rgb24Frames
                ? View(rgb, rowLength, frames, h, w, c)
                : View(floats, rowLength, frames, c, h, w);
            OrtValue context = Frames(buffers.Context, buffers.ContextRgb, layout.ContextFloats, k);
            OrtValue action = View(buffers.Action, 1);
            OrtValue[] memory = layout.HasMemoryInputs
                ? [Frames(buffers.Memory, buffers.MemoryRgb, layout.MemoryFloats, m), View(buffers.MemoryPose, layout.MemoryPoseFloats, m, 4)]
                : [];
            OrtValue[] viewPose = layout.TakesViewPose ? [View(buffers.ViewPose, BatchLayout.ViewPoseFloats, BatchLayout.ViewPoseFloats)] : [];
            OrtValue[] inputs = [context, action, .. memory, View(buffers.Noise, layout.FrameFloats, c, h, w), .. viewPose];
            OrtValue[] outputs =
            [
                View(buffers.Frame, layout.FrameFloats, c, h, w),
                View(buffers.PoseDelta, BatchLayout.PoseDeltaFloats, BatchLayout.PoseDeltaFloats),
            ];
            return new StepTensors(inputs, outputs);
        }
        catch
        {
            created.ForEach(value => value.Dispose());
            throw;
        }
    }

    public void Dispose()
    {
        foreach (OrtValue value in Inputs.Concat(Outputs))
        {
            value.Dispose();
        }
    }
}
