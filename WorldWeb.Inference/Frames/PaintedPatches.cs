using System.IO.Hashing;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Frames;

/// <summary>
/// Each codebook patch as the model paints it, in 8-bit pixels (rounded as the server rounds the model's frames), and
/// the code the search gives those pixels. The frames the server holds are mostly the model's own, made of these
/// patches only, so a patch is looked up by its pixels (a hash and a compare) before it is searched for among every
/// code; built from the search's own answers, the lookup answers as the search would.
/// </summary>
internal sealed class PaintedPatches
{
    private readonly int _bytes;
    private readonly byte[] _pixels;
    private readonly ushort[] _codes;
    private readonly Dictionary<ulong, int> _byHash = [];

    public PaintedPatches(PatchCodebook codebook, CodebookSearch search)
    {
        _bytes = codebook.PatchValues;
        _pixels = new byte[codebook.Count * _bytes];
        _codes = new ushort[codebook.Count];
        float[] values = new float[_bytes];
        for (int k = 0; k < codebook.Count; k++)
        {
            // A patch's values, channel-major, are a p×p frame's channel planes.
            Span<byte> pixels = _pixels.AsSpan(k * _bytes, _bytes);
            FrameMath.ToRgb24(codebook.Of(k), pixels);
            FrameMath.FromRgb24(pixels, values);
            _codes[k] = search.Nearest(values);
            _byHash.TryAdd(XxHash3.HashToUInt64(pixels), k);
        }
    }

    /// <summary>Code <paramref name="code"/>'s patch as painted: p rows of p RGB pixels.</summary>
    public ReadOnlySpan<byte> Of(int code) => _pixels.AsSpan(code * _bytes, _bytes);

    /// <summary>The search's code for <paramref name="pixels"/> (p rows of p RGB pixels) when the model paints them, else null.</summary>
    public ushort? Find(ReadOnlySpan<byte> pixels) =>
        _byHash.TryGetValue(XxHash3.HashToUInt64(pixels), out int k) && pixels.SequenceEqual(Of(k)) ? _codes[k] : null;
}
