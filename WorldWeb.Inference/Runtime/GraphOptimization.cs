namespace WorldWeb.Inference.Runtime;

/// <summary>ONNX Runtime's graph optimization levels, named for configuration files.</summary>
public enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}
