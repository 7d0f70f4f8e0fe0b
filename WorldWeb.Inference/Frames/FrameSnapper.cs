using System.Runtime.InteropServices;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Frames;

/// <summary>
/// Snaps every p×p patch of an 8-bit RGB frame to its nearest codebook patch, for a graph that takes its context and
/// memory frames snapped (world.json <c>int8.snapped_frames</c>, docs/model-format.md) instead of searching them
/// itself each step. A patch that is a codebook patch already, as every patch of a frame the model drew is, is
/// found by a hash lookup and left as it is; any other (a start frame, a reference world's frame, a JPEG memory) is
/// searched (<see cref="CodebookSearch"/>) and replaced by the codebook patch as the model would draw it.
/// Read-only once made, so the batches a model steps on several threads at once share one.
/// </summary>
public sealed class FrameSnapper
{
    private readonly int _patch, _width, _height, _rowBytes;
    private readonly CodebookSearch _search;
    // Each code's patch as 8-bit RGB rows (p rows of p·3 bytes, back to back), rounded as FrameMath.ToRgb24 rounds a
    // frame the model drew, and the code of each such patch.
    private readonly byte[] _patches;
    private readonly Dictionary<PatchKey, ushort> _codes = [];

    public FrameSnapper(PatchCodebook codebook, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(codebook);
        _patch = codebook.Patch;
        if (_patch > 4 || width % _patch != 0 || height % _patch != 0)
        {
            throw new ArgumentException($"patches of {_patch} pixels (at most 4) must tile a {width}x{height} frame");
        }
        (_width, _height, _rowBytes) = (width, height, 3 * _patch);
        _search = new CodebookSearch(codebook);
        int bytes = _rowBytes * _patch;
        _patches = new byte[codebook.Count * bytes];
        for (int code = codebook.Count - 1; code >= 0; code--)
        {
            // A codebook row is channel-major, the CHW layout of a p×p frame.
            Span<byte> patch = _patches.AsSpan(code * bytes, bytes);
            FrameMath.ToRgb24(codebook.Of(code), patch);
            _codes[PatchKey.Of(patch)] = (ushort)code;  // the first of equal patches, as the search takes it
        }
    }

    /// <summary>
    /// Writes <paramref name="rgb"/> (<c>[H, W, 3]</c>) to <paramref name="snapped"/> with every patch a codebook
    /// patch; the two may be the same span.
    /// </summary>
    public void Snap(ReadOnlySpan<byte> rgb, Span<byte> snapped)
    {
        int frameBytes = _width * _height * 3;
        if (rgb.Length != frameBytes || snapped.Length != frameBytes)
        {
            throw new ArgumentException($"a {_width}x{_height} RGB frame holds {frameBytes} bytes, not {rgb.Length} and {snapped.Length}");
        }
        int p = _patch, stride = 3 * _width;
        Span<byte> patch = stackalloc byte[_rowBytes * p];
        Span<float> values = stackalloc float[_rowBytes * p];
        for (int y = 0; y < _height; y += p)
        {
            for (int x = 0; x < _width; x += p)
            {
                int at = y * stride + 3 * x;
                for (int row = 0; row < p; row++)
                {
                    rgb.Slice(at + row * stride, _rowBytes).CopyTo(patch.Slice(row * _rowBytes, _rowBytes));
                }
                if (!_codes.TryGetValue(PatchKey.Of(patch), out ushort code))
                {
                    code = _search.Nearest(ChannelMajor(patch, values));
                }
                ReadOnlySpan<byte> drawn = _patches.AsSpan(code * patch.Length, patch.Length);
                for (int row = 0; row < p; row++)
                {
                    drawn.Slice(row * _rowBytes, _rowBytes).CopyTo(snapped.Slice(at + row * stride, _rowBytes));
                }
            }
        }
    }

    // The patch's values / 255, channel-major, as the codebook holds them.
    private ReadOnlySpan<float> ChannelMajor(ReadOnlySpan<byte> patch, Span<float> values)
    {
        int pixels = _patch * _patch;
        for (int pixel = 0; pixel < pixels; pixel++)
        {
            for (int channel = 0; channel < 3; channel++)
            {
                values[channel * pixels + pixel] = patch[3 * pixel + channel] / 255f;
            }
        }
        return values;
    }

    // Up to 48 bytes (a 4×4 RGB patch) as six words, zero-padded.
    private readonly record struct PatchKey(ulong A, ulong B, ulong C, ulong D, ulong E, ulong F)
    {
        public static PatchKey Of(ReadOnlySpan<byte> patch)
        {
            Span<ulong> words = stackalloc ulong[6];
            patch.CopyTo(MemoryMarshal.AsBytes(words));
            return new PatchKey(words[0], words[1], words[2], words[3], words[4], words[5]);
        }
    }
}
