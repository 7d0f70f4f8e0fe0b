using WorldWeb.Inference.Npy;

namespace WorldWeb.Inference.Packages;

/// <summary>
/// How likely each codebook patch is beside the patches above and to its left in the model's own frames
/// (<c>sampler.token_prior_file</c>, docs/model-format.md), with which the server entropy-codes memory frames stored as
/// tokens. int16 <c>[2, K + 1, K]</c>: table 0 by the patch above, table 1 by the patch to the left, row K where there is
/// none (the top row, the first column); each value a log2-likelihood in sixteenths of a bit, the two tables' sum the
/// score of a patch. Integers, so that every machine that reads a memory frame computes the same probabilities as the
/// one that wrote it. Written by <c>./worldweb token-prior</c>.
/// </summary>
public sealed class TokenPrior
{
    private readonly short[] _scores;

    /// <summary>
    /// The most patches a prior may score: the coder gives each at most 2^14 of a total the 32-bit range coder needs
    /// to stay within 2^24.
    /// </summary>
    public const int MaxPatches = 1024;

    /// <param name="scores">2·(<paramref name="patches"/> + 1)·<paramref name="patches"/> scores, as in the file.</param>
    public TokenPrior(int patches, short[] scores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patches, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(patches, MaxPatches);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length != 2 * (patches + 1) * patches)
        {
            throw new ArgumentException($"a token prior of {patches} patches holds 2x{patches + 1}x{patches} scores, not {scores.Length}", nameof(scores));
        }
        (Patches, _scores) = (patches, scores);
    }

    /// <summary>K, the patches of the codebook it is of; K also stands for "no patch" (beyond the frame's edge).</summary>
    public int Patches { get; }

    /// <summary>Every score, as in the file.</summary>
    public ReadOnlySpan<short> Scores => _scores;

    /// <summary>Each patch's score beneath patch <paramref name="above"/> (K: in the top row).</summary>
    public ReadOnlySpan<short> Below(int above) => _scores.AsSpan(above * Patches, Patches);

    /// <summary>Each patch's score right of patch <paramref name="left"/> (K: in the first column).</summary>
    public ReadOnlySpan<short> RightOf(int left) => _scores.AsSpan(((Patches + 1) + left) * Patches, Patches);

    internal static TokenPrior Load(string path, int patches)
    {
        NpyArray array = PackageArrays.Read(path, "the token prior");
        if (patches > MaxPatches)
        {
            throw new ModelPackageException(path, $"a token prior scores at most {MaxPatches} patches, and the codebook holds {patches}");
        }
        if (array.Dtype != NpyDtype.Int16 || array.Shape is not [2, var rows, var columns] || rows != patches + 1 || columns != patches)
        {
            throw new ModelPackageException(path, $"the token prior is {array.Dtype} {array.ShapeText} but a codebook of {patches} patches needs int16 [2,{patches + 1},{patches}]");
        }
        return new TokenPrior(patches, array.Data<short>().ToArray());
    }
}
