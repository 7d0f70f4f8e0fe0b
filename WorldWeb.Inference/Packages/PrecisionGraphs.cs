namespace WorldWeb.Inference.Packages;

/// <summary>
/// A package's graphs in another precision (docs/model-format.md): the model, and optionally its context pool graph,
/// with the same inputs and outputs. <c>half</c>: the heavy operators in float16, written by <c>training/half.py</c>;
/// <c>int8</c>: the convolutions and codebook searches in 8-bit integers, written by <c>training/int8.py</c>.
/// <paramref name="SnappedFrames"/>: the graphs take context and memory frames already snapped to the codebook, which
/// the server does for them (<see cref="Frames.FrameSnapper"/>), instead of searching each frame every step.
/// </summary>
public sealed record PrecisionGraphs(string Onnx, string? ContextPool = null, bool SnappedFrames = false);
