namespace WorldWeb.Inference.Runtime;

/// <summary>Where ONNX Runtime runs the graph.</summary>
public enum ExecutionProviderKind
{
    Cpu,

    /// <summary>Needs a build with <c>-p:UseCuda=true</c> and an NVIDIA GPU; otherwise WorldWeb falls back to CPU.</summary>
    Cuda,
}
