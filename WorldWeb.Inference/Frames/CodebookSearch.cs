using System.Numerics;
using System.Runtime.InteropServices;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Frames;

/// <summary>
/// The nearest codebook patch of a patch, by the graph's rule: the largest 2·patch·code − |code|², the first of equals.
/// Thousands of patches a second go through it (256 a memory write, and every patch a snapped graph's server did not
/// draw itself: <see cref="FrameSnapper"/>), so it scores a vector of codes at a time.
/// </summary>
public sealed class CodebookSearch
{
    private static readonly int Lanes = Vector<float>.Count;
    // The codebook as blocks of Lanes codes, [block, value, lane], so that a block's scores add up in one vector
    // without a horizontal sum; and |code|² per code, +∞ for the padding that fills the last block (never chosen).
    private readonly float[] _blocks;
    private readonly float[] _norms;

    public CodebookSearch(PatchCodebook codebook) => (_blocks, _norms) = Blocked(codebook);

    /// <summary>The first of the best-scoring codes, as the graph's argmax takes it.</summary>
    public ushort Nearest(ReadOnlySpan<float> patch)
    {
        int values = patch.Length, best = 0;
        float bestScore = float.NegativeInfinity;
        ReadOnlySpan<Vector<float>> blocks = MemoryMarshal.Cast<float, Vector<float>>(_blocks);
        ReadOnlySpan<Vector<float>> norms = MemoryMarshal.Cast<float, Vector<float>>(_norms);
        for (int block = 0; block < norms.Length; block++)
        {
            ReadOnlySpan<Vector<float>> codes = blocks.Slice(block * values, values);
            var dot = Vector<float>.Zero;
            for (int i = 0; i < values; i++)
            {
                dot += new Vector<float>(patch[i]) * codes[i];
            }
            Vector<float> score = 2 * dot - norms[block];
            if (Vector.GreaterThanAny(score, new Vector<float>(bestScore)))
            {
                for (int lane = 0; lane < Lanes; lane++)
                {
                    if (score[lane] > bestScore)
                    {
                        (best, bestScore) = (block * Lanes + lane, score[lane]);
                    }
                }
            }
        }
        return (ushort)best;
    }

    private static (float[] Blocks, float[] Norms) Blocked(PatchCodebook codebook)
    {
        int values = codebook.PatchValues, blocks = (codebook.Count + Lanes - 1) / Lanes;
        float[] blocked = new float[blocks * values * Lanes];
        float[] norms = new float[blocks * Lanes];
        Array.Fill(norms, float.PositiveInfinity);
        for (int k = 0; k < codebook.Count; k++)
        {
            ReadOnlySpan<float> code = codebook.Of(k);
            float norm = 0;
            for (int i = 0; i < values; i++)
            {
                blocked[(k / Lanes * values + i) * Lanes + k % Lanes] = code[i];
                norm += code[i] * code[i];
            }
            norms[k] = norm;
        }
        return (blocked, norms);
    }
}
