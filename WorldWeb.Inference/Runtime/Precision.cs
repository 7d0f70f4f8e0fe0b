namespace WorldWeb.Inference.Runtime;

/// <summary>Which of a package's graphs steps its worlds: the float32 one, or its half-precision variant.</summary>
/// <remarks>
/// Half precision is for a GPU's tensor cores. ONNX Runtime's CPU provider runs the half graph too, with nothing to
/// gain, which measures a half model's free play without a GPU (<c>eval --precision half</c>). A world's frames differ
/// between the two, so a world replays bit for bit only on the precision that made it.
/// </remarks>
public enum Precision
{
    Float,

    Half,
}
