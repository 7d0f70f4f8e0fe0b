using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WorldWeb.Inference.Packages;

/// <summary>Checks a loaded graph's inputs and outputs against the roles of a validated manifest.</summary>
internal static class GraphSignature
{
    /// <returns>The first mismatch, phrased for the package's author; null when the graph obeys the manifest.</returns>
    /// <param name="onnxFile">The graph's file, named in the message: world.json's onnx by default.</param>
    public static string? FirstMismatch(InferenceSession session, ModelManifest manifest, string? onnxFile = null)
    {
        return SideMismatch("input", session.InputMetadata, manifest.Inputs, manifest, onnxFile)
            ?? SideMismatch("output", session.OutputMetadata, manifest.Outputs, manifest, onnxFile)
            ?? UnmappedInput(session.InputMetadata, manifest, onnxFile ?? manifest.Onnx);
    }

    /// <returns>The first way the context pool graph differs from docs/model-format.md ("Context pool"); null when it obeys.</returns>
    public static string? PoolMismatch(InferenceSession pool, ModelManifest manifest, string file)
    {
        TensorSpec context = manifest.Inputs[TensorRoles.Context];
        TensorSpec Pooled(string name) => context with { Name = name };  // [slots or uploads, K, H, W, 3], uint8
        var rows = new TensorSpec(ContextPoolSpec.Rows, TensorRoles.Int64, [TensorDim.Batch]);
        var inputs = new Dictionary<string, TensorSpec>(manifest.Inputs.Where(role => role.Key != TensorRoles.Context))
        {
            [ContextPoolSpec.Pool] = Pooled(ContextPoolSpec.Pool),
            [ContextPoolSpec.Rows] = rows,
            [ContextPoolSpec.UploadRows] = rows with { Name = ContextPoolSpec.UploadRows },
            [ContextPoolSpec.Uploads] = Pooled(ContextPoolSpec.Uploads),
        };
        var outputs = new Dictionary<string, TensorSpec>(manifest.Outputs) { [ContextPoolSpec.PoolOut] = Pooled(ContextPoolSpec.PoolOut) };
        return SideMismatch("input", pool.InputMetadata, inputs, manifest, file)
            ?? SideMismatch("output", pool.OutputMetadata, outputs, manifest, file)
            ?? (pool.InputMetadata.Count == inputs.Count ? null
                : $"{file} has inputs {string.Join(", ", pool.InputMetadata.Keys)}; a context pool graph takes {string.Join(", ", inputs.Values.Select(v => v.Name))}");
    }

    private static string? SideMismatch(
        string side, IReadOnlyDictionary<string, NodeMetadata> graph, IReadOnlyDictionary<string, TensorSpec> roles, ModelManifest manifest,
        string? onnxFile = null)
    {
        string file = onnxFile ?? manifest.Onnx;
        foreach ((string role, TensorSpec spec) in roles)
        {
            if (!graph.TryGetValue(spec.Name, out NodeMetadata? node))
            {
                return $"world.json maps {side} role '{role}' to '{spec.Name}' but {file} has no {side} named '{spec.Name}' " +
                    $"(its {side}s: {string.Join(", ", graph.Keys)})";
            }
            string? problem = NodeMismatch(side, spec, node, file);
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? NodeMismatch(string side, TensorSpec spec, NodeMetadata node, string onnxFile)
    {
        if (!node.IsTensor)
        {
            return $"{side} '{spec.Name}' is a {node.OnnxValueType} in {onnxFile} but world.json says a {spec.Dtype} tensor";
        }
        string dtype = DtypeName(node.ElementDataType);
        if (dtype != spec.Dtype)
        {
            return $"{side} '{spec.Name}' has dtype {dtype} in {onnxFile} but world.json says {spec.Dtype}";
        }
        int[] dims = node.Dimensions;
        string graphShape = $"[{string.Join(',', dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
        bool sameFixedDims = dims.Length == spec.Shape.Count
            && spec.Shape.Select((dim, i) => dim.IsBatch || dims[i] == dim.Size).All(same => same);
        if (!sameFixedDims)
        {
            return $"{side} '{spec.Name}' has shape {graphShape} in {onnxFile} but world.json says {spec.ShapeText}";
        }
        if (dims[0] >= 0)
        {
            return $"{side} '{spec.Name}' has shape {graphShape} in {onnxFile} with a fixed batch dimension; " +
                "dimension 0 must be dynamic (export with dynamic_axes on axis 0)";
        }
        return null;
    }

    // Every graph input must be fed on every run, so one the manifest does not map could never be stepped.
    private static string? UnmappedInput(IReadOnlyDictionary<string, NodeMetadata> graphInputs, ModelManifest manifest, string file)
    {
        var mapped = manifest.Inputs.Values.Select(spec => spec.Name).ToHashSet(StringComparer.Ordinal);
        string? extra = graphInputs.Keys.FirstOrDefault(name => !mapped.Contains(name));
        return extra is null ? null : $"{file} has input '{extra}' that world.json maps to no role";
    }

    private static string DtypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "float64",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int8 => "int8",
        TensorElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };
}
