using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Frames;

/// <summary>
/// 8-bit RGB frames as a codebook's patches: the nearest code of each p×p patch (<see cref="Codes"/>), the frame that
/// codes paint (<see cref="Paint"/>), and both at once (<see cref="Snap"/>), which a graph that takes its context and
/// memory frames snapped (world.json <c>int8.snapped_frames</c>, docs/model-format.md) gets instead of searching them
/// itself each step. A patch the model painted, as every patch of a frame it drew is, is found by its pixels
/// (<see cref="PaintedPatches"/>); any other (a start, a reference world's frame, a JPEG memory) is searched
/// (<see cref="CodebookSearch"/>). Token memory stores frames by the same codes. Read-only once made, so the batches
/// a model steps on several threads at once share one.
/// </summary>
public sealed class FrameSnapper
{
    private readonly int _patch, _width, _height, _columns, _rows;
    private readonly CodebookSearch _search;
    private readonly PaintedPatches _painted;

    public FrameSnapper(PatchCodebook codebook, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(codebook);
        if (width <= 0 || height <= 0 || width % codebook.Patch != 0 || height % codebook.Patch != 0)
        {
            throw new ArgumentException($"{codebook.Patch}x{codebook.Patch} patches do not tile a {width}x{height} frame", nameof(codebook));
        }
        (_patch, _width, _height) = (codebook.Patch, width, height);
        (_columns, _rows) = (width / _patch, height / _patch);
        _search = new CodebookSearch(codebook);
        _painted = new PaintedPatches(codebook, _search);
    }

    /// <summary>Patches in a frame: columns × rows.</summary>
    public int PatchesPerFrame => _columns * _rows;

    /// <summary>Writes the nearest code of each patch of <paramref name="rgb"/> (<c>[H, W, 3]</c>), row by row, to <paramref name="codes"/>.</summary>
    public void Codes(ReadOnlySpan<byte> rgb, Span<ushort> codes)
    {
        CheckSizes(rgb.Length, codes.Length);
        int rowBytes = 3 * _patch;
        Span<byte> pixels = stackalloc byte[rowBytes * _patch];
        Span<float> values = stackalloc float[rowBytes * _patch];
        for (int row = 0; row < _rows; row++)
        {
            for (int column = 0; column < _columns; column++)
            {
                for (int y = 0; y < _patch; y++)
                {
                    rgb.Slice(((row * _patch + y) * _width + column * _patch) * 3, rowBytes).CopyTo(pixels[(y * rowBytes)..]);
                }
                if (_painted.Find(pixels) is not { } code)
                {
                    // Channel-major values / 255, as the graph reads its 8-bit frames.
                    FrameMath.FromRgb24(pixels, values);
                    code = _search.Nearest(values);
                }
                codes[row * _columns + column] = code;
            }
        }
    }

    /// <summary>Writes the frame <paramref name="codes"/> paint to <paramref name="rgb"/>, rounded to 8 bits as the server rounds the model's own frames.</summary>
    public void Paint(ReadOnlySpan<ushort> codes, Span<byte> rgb)
    {
        CheckSizes(rgb.Length, codes.Length);
        int rowBytes = 3 * _patch;
        for (int row = 0; row < _rows; row++)
        {
            for (int column = 0; column < _columns; column++)
            {
                ReadOnlySpan<byte> patch = _painted.Of(codes[row * _columns + column]);
                for (int y = 0; y < _patch; y++)
                {
                    patch.Slice(y * rowBytes, rowBytes).CopyTo(rgb[(((row * _patch + y) * _width + column * _patch) * 3)..]);
                }
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="rgb"/> (<c>[H, W, 3]</c>) to <paramref name="snapped"/> with every patch painted from
    /// its nearest code; the two may be the same span.
    /// </summary>
    public void Snap(ReadOnlySpan<byte> rgb, Span<byte> snapped)
    {
        Span<ushort> codes = stackalloc ushort[PatchesPerFrame];
        Codes(rgb, codes);
        Paint(codes, snapped);
    }

    private void CheckSizes(int frameBytes, int codes)
    {
        if (frameBytes != _width * _height * 3 || codes != PatchesPerFrame)
        {
            throw new ArgumentException($"a {_width}x{_height} RGB frame holds {_width * _height * 3} bytes and {PatchesPerFrame} patches, not {frameBytes} and {codes}");
        }
    }
}
