using System.Text.Json;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Inference.Packages;

/// <summary>
/// The manifest <c>world.json</c> of a model package (docs/model-format.md). Instances returned by
/// <see cref="Load"/> and <see cref="Parse"/> are validated against the contract.
/// </summary>
public sealed record ModelManifest(
    string Format,
    string Name,
    string Version,
    string Onnx,
    string Starts,
    FrameSpec Frame,
    int Fps,
    int ContextFrames,
    int MemorySlots,
    IReadOnlyList<ActionSpec> Actions,
    IReadOnlyDictionary<string, TensorSpec> Inputs,
    IReadOnlyDictionary<string, TensorSpec> Outputs,
    string? Description = null,
    SamplerSpec? Sampler = null,
    ContextPoolSpec? ContextPool = null,
    PrecisionGraphs? Half = null,
    PrecisionGraphs? Int8 = null,
    PoseSpec? Poses = null,
    JsonElement? Training = null,
    string? StartPoses = null)
{
    public const string FileName = "world.json";
    public const string FormatId = "worldweb-model/1";

    /// <summary>Whether context and memory frames go in as the 8-bit RGB viewers see (uint8 <c>[H, W, 3]</c>), not as floats.</summary>
    public bool TakesRgb24Frames => Inputs[TensorRoles.Context].Dtype == TensorRoles.Uint8;

    /// <summary>Whether the graph takes <c>memory</c> and <c>memory_pose</c>; optional only when M = 0.</summary>
    public bool HasMemoryInputs => Inputs.ContainsKey(TensorRoles.Memory);

    /// <summary>Whether the graph takes <c>view_pose</c>, the tracked pose its context was seen from.</summary>
    public bool TakesViewPose => Inputs.ContainsKey(TensorRoles.ViewPose);

    /// <summary>The graphs that run in <paramref name="precision"/>: null for float32 (the package's own) and where it has none.</summary>
    public PrecisionGraphs? GraphsIn(Precision precision) => precision switch
    {
        Precision.Half => Half,
        Precision.Int8 => Int8,
        _ => null,
    };

    public static ModelManifest Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelPackageException(path, $"cannot read the manifest ({ex.Message})", ex);
        }
        return Parse(json, path);
    }

    /// <param name="sourcePath">Named in error messages.</param>
    public static ModelManifest Parse(string json, string sourcePath)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(json, ManifestJson.Options);
        }
        catch (JsonException ex)
        {
            throw new ModelPackageException(sourcePath, $"not a valid manifest: {ex.Message}", ex);
        }
        if (manifest is null)
        {
            throw new ModelPackageException(sourcePath, "the manifest is JSON null");
        }
        string? problem = ManifestRules.FirstProblem(manifest);
        return problem is null ? manifest : throw new ModelPackageException(sourcePath, problem);
    }
}
