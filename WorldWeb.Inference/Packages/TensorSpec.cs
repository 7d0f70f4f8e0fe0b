namespace WorldWeb.Inference.Packages;

/// <summary>How world.json maps one role of the contract (e.g. <c>context</c>) to a tensor of the graph.</summary>
public sealed record TensorSpec(string Name, string Dtype, IReadOnlyList<TensorDim> Shape, string? Distribution = null)
{
    public string ShapeText => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<TensorDim> shape) => $"[{string.Join(',', shape)}]";
}
