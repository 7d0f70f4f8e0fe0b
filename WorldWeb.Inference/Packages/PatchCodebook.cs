using WorldWeb.Inference.Npy;

namespace WorldWeb.Inference.Packages;

/// <summary>
/// The patches a <c>codebook-tokens</c> model paints every frame with (<c>sampler.codebook_file</c>, docs/model-format.md):
/// float32 <c>[K, 3·p·p]</c>, one row per p×p patch, channel-major (channel, row, column), values in [0, 1] exactly as
/// the graph holds them. The model reads context and memory frames only after snapping each patch to its nearest
/// codebook patch, so a frame's patch indices are all of it the model will ever see.
/// </summary>
public sealed class PatchCodebook
{
    private readonly float[] _values;

    /// <param name="values">K rows of 3·<paramref name="patch"/>² values, channel-major.</param>
    public PatchCodebook(int patch, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patch, 1);
        ArgumentNullException.ThrowIfNull(values);
        int width = 3 * patch * patch;
        if (values.Length == 0 || values.Length % width != 0)
        {
            throw new ArgumentException($"a codebook of {patch}x{patch} patches holds a multiple of {width} values, not {values.Length}", nameof(values));
        }
        if (values.Any(v => !(v >= 0 && v <= 1)))
        {
            throw new ArgumentException("codebook values lie in [0, 1], as frames do", nameof(values));
        }
        (Patch, _values) = (patch, values);
    }

    /// <summary>K, the number of patches.</summary>
    public int Count => _values.Length / PatchValues;

    /// <summary>The side p of a patch in pixels.</summary>
    public int Patch { get; }

    /// <summary>3·p·p: the values of one patch.</summary>
    public int PatchValues => 3 * Patch * Patch;

    /// <summary>Patch <paramref name="index"/>, channel-major.</summary>
    public ReadOnlySpan<float> Of(int index) => _values.AsSpan(index * PatchValues, PatchValues);

    /// <summary>Every patch back to back, as in the file.</summary>
    public ReadOnlySpan<float> Values => _values;

    internal static PatchCodebook Load(string path, SamplerSpec sampler)
    {
        NpyArray array = PackageArrays.Read(path, "the codebook");
        int k = sampler.Codebook!.Value, p = sampler.Patch!.Value;
        string expected = $"float32 [{k},{3 * p * p}] (sampler.codebook patches of 3x{p}x{p})";
        if (array.Dtype != NpyDtype.Float32 || array.Shape.Count != 2 || array.Shape[0] != k || array.Shape[1] != 3 * p * p)
        {
            throw new ModelPackageException(path, $"the codebook is {array.Dtype} {array.ShapeText} but world.json requires {expected}");
        }
        float[] values = array.Data<float>().ToArray();
        if (values.Any(v => !(v >= 0 && v <= 1)))
        {
            throw new ModelPackageException(path, "the codebook holds values outside [0, 1]; frames are in [0, 1]");
        }
        return new PatchCodebook(p, values);
    }
}
