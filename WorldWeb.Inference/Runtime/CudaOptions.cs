using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Inference.Runtime;

/// <summary>
/// Settings of ONNX Runtime's CUDA provider, with its own defaults. Bound from <c>Inference:Cuda</c>; ignored on CPU.
/// docs/gpu.md says how to measure them (<c>bench inference --provider cuda</c> takes the same settings).
/// </summary>
public sealed class CudaOptions
{
    /// <summary>How cuDNN picks each convolution's algorithm on a shape's first run.</summary>
    [EnumDataType(typeof(ConvAlgoSearch))]
    public ConvAlgoSearch ConvAlgoSearch { get; set; } = ConvAlgoSearch.Exhaustive;

    /// <summary>Convolutions in NHWC, the layout tensor cores read best; ONNX Runtime inserts the transposes.</summary>
    public bool PreferNhwc { get; set; }

    /// <summary>TF32 matrix units for float32 products and convolutions (relative error near 3e-4 instead of 1e-6).</summary>
    public bool UseTf32 { get; set; } = true;

    /// <summary>The provider's option names and values, as <c>OrtCUDAProviderOptions.UpdateOptions</c> takes them.</summary>
    public Dictionary<string, string> ProviderOptions(int deviceId) => new()
    {
        ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["cudnn_conv_algo_search"] = ConvAlgoSearch.ToString().ToUpperInvariant(),
        ["prefer_nhwc"] = PreferNhwc ? "1" : "0",
        ["use_tf32"] = UseTf32 ? "1" : "0",
    };
}

/// <summary>cuDNN's convolution algorithm search, as ONNX Runtime names it.</summary>
public enum ConvAlgoSearch
{
    /// <summary>Times every algorithm once per shape and keeps the fastest (slow first run).</summary>
    Exhaustive,

    /// <summary>Takes cuDNN's guess without timing.</summary>
    Heuristic,

    /// <summary>Takes the default algorithm.</summary>
    Default,
}
