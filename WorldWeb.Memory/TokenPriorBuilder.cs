using WorldWeb.Inference.Packages;

namespace WorldWeb.Memory;

/// <summary>
/// Learns a <see cref="TokenPrior"/> from frames of the model's own play: counts each patch beneath each patch and
/// right of each patch, then picks how much to trust each count by the bytes it actually takes to code frames held out
/// from the counting (another world), trying a few weights and smoothings. A patch's probability is
/// P(t | above)^w · P(t | left)^w / P(t)^u with each P counted plus <c>α</c>: the product of the two neighbours'
/// opinions, less what they share.
/// </summary>
public sealed class TokenPriorBuilder
{
    private static readonly double[] Weights = [0.6, 0.7, 0.8, 0.9, 1.0], SharedWeights = [0.3, 0.5, 0.7], Smoothings = [0.1, 0.5];
    private readonly TokenFrameCodec _codec;
    private readonly int _patches, _columns;
    private readonly long[] _below, _right, _alone;
    private readonly List<ushort[]> _heldOut = [];

    public TokenPriorBuilder(PatchCodebook codebook, int width, int height)
    {
        _codec = new TokenFrameCodec(codebook, width, height);
        (_patches, _columns) = (codebook.Count, width / codebook.Patch);
        _below = new long[(_patches + 1) * _patches];
        _right = new long[(_patches + 1) * _patches];
        _alone = new long[_patches];
    }

    /// <summary>Frames counted so far.</summary>
    public int Counted { get; private set; }

    /// <summary>Frames held out so far.</summary>
    public int HeldOut => _heldOut.Count;

    /// <summary>Counts an RGB24 frame's patches beside their neighbours.</summary>
    public void Count(ReadOnlySpan<byte> rgb)
    {
        ushort[] codes = _codec.Codes(rgb);
        for (int i = 0; i < codes.Length; i++)
        {
            int above = i >= _columns ? codes[i - _columns] : _patches, left = i % _columns != 0 ? codes[i - 1] : _patches;
            _below[above * _patches + codes[i]]++;
            _right[left * _patches + codes[i]]++;
            _alone[codes[i]]++;
        }
        Counted++;
    }

    /// <summary>Keeps an RGB24 frame to choose the weights by; it is not counted.</summary>
    public void HoldOut(ReadOnlySpan<byte> rgb) => _heldOut.Add(_codec.Codes(rgb));

    /// <summary>The prior whose weights code the held-out frames in the fewest bytes, and what each coding takes.</summary>
    /// <exception cref="InvalidOperationException">Nothing was counted or held out.</exception>
    public TokenPriorFit Build()
    {
        if (Counted == 0 || _heldOut.Count == 0)
        {
            throw new InvalidOperationException("a token prior needs frames counted and frames held out");
        }
        int patchCount = _heldOut.Sum(c => c.Length);
        double deflated = _heldOut.Sum(c => TokenPacking.Pack(c, TokenPacking.BitsFor(_patches)).Bytes.Length);
        TokenPriorFit? best = null;
        foreach (double smoothing in Smoothings)
        {
            foreach (double weight in Weights)
            {
                foreach (double shared in SharedWeights)
                {
                    var prior = new TokenPrior(_patches, Scores(weight, shared, smoothing));
                    long bytes = _heldOut.Sum(c => (long)TokenContextCoding.Encode(c, _columns, prior).Length);
                    if (best is null || bytes * 8.0 / patchCount < best.BitsPerPatch)
                    {
                        best = new TokenPriorFit(prior, weight, shared, smoothing, bytes * 8.0 / patchCount, deflated * 8 / patchCount, Counted, _heldOut.Count);
                    }
                }
            }
        }
        return best!;
    }

    /// <summary>The two tables in sixteenths of a bit, the shared term folded into the second.</summary>
    private short[] Scores(double weight, double shared, double smoothing)
    {
        double[] alone = Log2Probabilities(_alone, 0, smoothing);
        short[] scores = new short[2 * (_patches + 1) * _patches];
        for (int context = 0; context <= _patches; context++)
        {
            double[] below = Log2Probabilities(_below, context, smoothing), right = Log2Probabilities(_right, context, smoothing);
            for (int k = 0; k < _patches; k++)
            {
                scores[context * _patches + k] = Sixteenths(weight * below[k]);
                scores[(_patches + 1 + context) * _patches + k] = Sixteenths(weight * right[k] - shared * alone[k]);
            }
        }
        return scores;
    }

    private double[] Log2Probabilities(long[] counts, int context, double smoothing)
    {
        ReadOnlySpan<long> row = counts.AsSpan(context * _patches, _patches);
        double total = 0;
        foreach (long count in row)
        {
            total += count + smoothing;
        }
        double[] logs = new double[_patches];
        for (int k = 0; k < _patches; k++)
        {
            logs[k] = Math.Log2((row[k] + smoothing) / total);
        }
        return logs;
    }

    private static short Sixteenths(double bits) => (short)Math.Clamp(Math.Round(16 * bits), short.MinValue, short.MaxValue);
}

/// <summary>
/// A fitted <see cref="TokenPrior"/>: its weights, and bits per patch on the held-out frames, context-coded and as
/// the server stored them before (the smaller of packed and deflated).
/// </summary>
public sealed record TokenPriorFit(TokenPrior Prior, double Weight, double SharedWeight, double Smoothing, double BitsPerPatch,
    double DeflatedBitsPerPatch, int FramesCounted, int FramesHeldOut);
