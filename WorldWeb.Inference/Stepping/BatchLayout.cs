using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Stepping;

/// <summary>Per-row sizes, tensor names and shapes of one model's step, derived once from its manifest.</summary>
internal sealed class BatchLayout
{
    public BatchLayout(ModelManifest manifest)
    {
        FrameSpec f = manifest.Frame;
        (Channels, Height, Width) = (f.Channels, f.Height, f.Width);
        ContextFrames = manifest.ContextFrames;
        MemorySlots = manifest.MemorySlots;
        ActionCount = manifest.Actions.Count;
        HasMemoryInputs = manifest.HasMemoryInputs;
        TakesViewPose = manifest.TakesViewPose;
        Rgb24Frames = manifest.TakesRgb24Frames;
        FrameFloats = f.ValueCount;
        ContextFloats = ContextFrames * FrameFloats;
        MemoryFloats = MemorySlots * FrameFloats;
        MemoryPoseFloats = MemorySlots * 4;

        IReadOnlyDictionary<string, TensorSpec> inputs = manifest.Inputs;
        string[] memory = HasMemoryInputs ? [inputs[TensorRoles.Memory].Name, inputs[TensorRoles.MemoryPose].Name] : [];
        string[] viewPose = TakesViewPose ? [inputs[TensorRoles.ViewPose].Name] : [];
        InputNames = [inputs[TensorRoles.Context].Name, inputs[TensorRoles.Action].Name, .. memory, inputs[TensorRoles.Noise].Name, .. viewPose];
        OutputNames = [manifest.Outputs[TensorRoles.Frame].Name, manifest.Outputs[TensorRoles.PoseDelta].Name];
    }

    public const int PoseDeltaFloats = 3;
    public const int ViewPoseFloats = 3;

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ContextFrames { get; }
    public int MemorySlots { get; }
    public int ActionCount { get; }
    public bool HasMemoryInputs { get; }
    public bool TakesViewPose { get; }

    /// <summary>Context and memory frames go in as 8-bit RGB <c>[H, W, 3]</c>; otherwise as float <c>[3, H, W]</c>.</summary>
    public bool Rgb24Frames { get; }

    /// <summary>Values in one frame, 3 × H × W: floats of the frame output, and floats or bytes of a context or memory frame.</summary>
    public int FrameFloats { get; }
    public int ContextFloats { get; }
    public int MemoryFloats { get; }
    public int MemoryPoseFloats { get; }

    /// <summary>In the order <see cref="StepTensors"/> creates the input values.</summary>
    public string[] InputNames { get; }

    public string[] OutputNames { get; }
}
