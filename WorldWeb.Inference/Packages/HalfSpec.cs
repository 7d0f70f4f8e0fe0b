namespace WorldWeb.Inference.Packages;

/// <summary>
/// The package's half-precision graphs (docs/model-format.md, "Half precision"): the model, and optionally its context
/// pool graph, with the heavy operators in float16 and the same inputs and outputs. Written by <c>training/half.py</c>.
/// </summary>
public sealed record HalfSpec(string Onnx, string? ContextPool = null);
