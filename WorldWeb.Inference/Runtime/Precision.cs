namespace WorldWeb.Inference.Runtime;

/// <summary>Which of a package's graphs steps its worlds: the float32 one, or its half-precision or int8 variant.</summary>
/// <remarks>
/// Half precision is for a GPU's tensor cores. ONNX Runtime's CPU provider runs the half graph too, with nothing to
/// gain, which measures a half model's free play without a GPU (<c>eval --precision half</c>). Int8 is for a CPU's
/// integer dot products (docs/model-card.md, "int8 on the CPU"). A world's frames differ between precisions, so a
/// world replays bit for bit only on the precision that made it.
/// </remarks>
public enum Precision
{
    /// <summary>Int8 on the CPU provider where the package has an int8 graph and the CPU int8 dot products (<see cref="CpuFeatures"/>); float32 otherwise.</summary>
    Auto,

    Float,

    Half,

    Int8,
}
