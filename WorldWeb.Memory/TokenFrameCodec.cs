using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Memory;

/// <summary>
/// Memory frames as codebook tokens: each patch stored as the index of its nearest codebook patch, found as the model
/// finds it (<see cref="FrameSnapper"/>, over the frame's values / 255). The model snaps every patch of a memory
/// to that same code before it reads it, so the tokens hold all it will ever see of the frame, and a frame the model
/// wrote (made of codebook patches) decodes to exactly its own bytes. The bytes: <c>"WT"</c>, the layout
/// (<see cref="TokenPacking"/>), the codebook's CRC-32 (context-coded: the codebook's and the token prior's), so that
/// tokens are never read with another model's patches or probabilities, then the indices in the graph's patch order
/// (row by row): range-coded under the package's <see cref="TokenPrior"/> where it carries one and that is smallest.
/// </summary>
public sealed class TokenFrameCodec
{
    private const int HeaderBytes = 7;
    private readonly PatchCodebook _codebook;
    private readonly TokenPrior? _prior;
    private readonly FrameSnapper _frames;
    private readonly int _width, _height, _columns, _bits;
    private readonly uint _fingerprint, _priorFingerprint;

    /// <param name="prior">The package's token prior, if it carries one: frames are then context-coded.</param>
    public TokenFrameCodec(PatchCodebook codebook, int width, int height, TokenPrior? prior = null)
    {
        ArgumentNullException.ThrowIfNull(codebook);
        if (prior is not null && prior.Patches != codebook.Count)
        {
            throw new ArgumentException($"the token prior scores {prior.Patches} patches, the codebook holds {codebook.Count}", nameof(prior));
        }
        _frames = new FrameSnapper(codebook, width, height);
        (_codebook, _width, _height) = (codebook, width, height);
        _columns = width / codebook.Patch;
        _bits = TokenPacking.BitsFor(codebook.Count);
        _fingerprint = Crc32.HashToUInt32(MemoryMarshal.AsBytes(codebook.Values));
        _prior = prior;
        if (prior is not null)
        {
            var crc = new Crc32();
            crc.Append(MemoryMarshal.AsBytes(codebook.Values));
            crc.Append(MemoryMarshal.AsBytes(prior.Scores));
            _priorFingerprint = crc.GetCurrentHashAsUInt32();
        }
    }

    /// <summary>K, the patches of the codebook.</summary>
    public int Patches => _codebook.Count;

    /// <summary>The bytes of the RGB24 frames it stores.</summary>
    public int FrameBytes => _width * _height * 3;

    /// <summary>Bits of one index, before deflate.</summary>
    public int BitsPerPatch => _bits;

    /// <summary>Whether frames are context-coded under the package's token prior.</summary>
    public bool ContextCoded => _prior is not null;

    /// <summary>Whether <paramref name="encoded"/> is a frame stored as tokens (JPEG begins FF D8, PNG 89 50).</summary>
    public static bool IsTokens(ReadOnlySpan<byte> encoded) => encoded.StartsWith("WT"u8);

    public byte[] Encode(ReadOnlySpan<byte> rgb) => Stored(FrameCodes(rgb));

    /// <summary>
    /// The frame's stored bytes and the frame they decode to, painted from the codes themselves: what
    /// <see cref="Decode"/> gives back, without the cost of decoding.
    /// </summary>
    public (byte[] Encoded, byte[] Decoded) EncodeAndRender(ReadOnlySpan<byte> rgb)
    {
        ushort[] codes = FrameCodes(rgb);
        return (Stored(codes), Render(codes));
    }

    private ushort[] FrameCodes(ReadOnlySpan<byte> rgb) => rgb.Length == _width * _height * 3 ? Codes(rgb)
        : throw new ArgumentException($"a {_width}×{_height} RGB24 frame has {_width * _height * 3} bytes, not {rgb.Length}", nameof(rgb));

    /// <summary>The header, then the codes in the smallest layout this codec has.</summary>
    private byte[] Stored(ushort[] codes)
    {
        (byte layout, byte[] body) = Layout(codes);
        byte[] encoded = new byte[HeaderBytes + body.Length];
        "WT"u8.CopyTo(encoded);
        encoded[2] = layout;
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(3), layout == TokenPacking.ContextCoded ? _priorFingerprint : _fingerprint);
        body.CopyTo(encoded, HeaderBytes);
        return encoded;
    }

    // Under a prior, context coding or (for a frame it finds unlikely, such as noise) plain packing: deflate lies
    // between them and is not worth its time; without one, the smaller of packed and deflated.
    private (byte Layout, byte[] Body) Layout(ushort[] codes)
    {
        if (_prior is null)
        {
            return TokenPacking.Pack(codes, _bits);
        }
        byte[] coded = TokenContextCoding.Encode(codes, _columns, _prior);
        return coded.Length < TokenPacking.PackedLength(codes.Length, _bits) ? (TokenPacking.ContextCoded, coded) : (TokenPacking.Packed, TokenPacking.PackBits(codes, _bits));
    }

    /// <exception cref="InvalidDataException">The bytes are not tokens of this codebook and frame size.</exception>
    public byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        if (!IsTokens(encoded) || encoded.Length < HeaderBytes)
        {
            throw new InvalidDataException("a stored memory frame is not tokens");
        }
        ushort[] codes = new ushort[_frames.PatchesPerFrame];
        uint fingerprint = BinaryPrimitives.ReadUInt32LittleEndian(encoded[3..]);
        if (encoded[2] == TokenPacking.ContextCoded)
        {
            if (_prior is null || fingerprint != _priorFingerprint)
            {
                throw new InvalidDataException("a memory frame was context-coded with another codebook or token prior: the model's package changed since");
            }
            TokenContextCoding.Decode(encoded[HeaderBytes..], _columns, _prior, codes);
            return Render(codes);
        }
        if (fingerprint != _fingerprint)
        {
            throw new InvalidDataException("a memory frame was stored as tokens of another codebook: the model's package changed since");
        }
        TokenPacking.Unpack(encoded[2], encoded[HeaderBytes..], _bits, codes);
        if (codes.Any(c => c >= _codebook.Count))
        {
            throw new InvalidDataException($"a stored token is beyond the codebook's {_codebook.Count} patches");
        }
        return Render(codes);
    }

    /// <summary>The index of each patch's nearest codebook patch, row by row.</summary>
    internal ushort[] Codes(ReadOnlySpan<byte> rgb)
    {
        ushort[] codes = new ushort[_frames.PatchesPerFrame];
        _frames.Codes(rgb, codes);
        return codes;
    }

    /// <summary>The frame the codes paint, rounded to 8 bits as the server rounds the model's own frames.</summary>
    private byte[] Render(ReadOnlySpan<ushort> codes)
    {
        byte[] rgb = new byte[FrameBytes];
        _frames.Paint(codes, rgb);
        return rgb;
    }
}
