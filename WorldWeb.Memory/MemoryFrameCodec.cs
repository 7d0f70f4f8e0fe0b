namespace WorldWeb.Memory;

/// <summary>
/// How one world's memory stores frames (<see cref="Format"/>), and how any stored frame is read back: JPEG and PNG by
/// SkiaSharp, tokens by the model's codebook (<see cref="TokenFrameCodec"/>), told apart by their first bytes, so
/// entries written before the format changed still load. Decoding is deterministic, and the model is always fed the
/// decoded frame, so a world and its reloaded self see the same memory.
/// </summary>
public sealed class MemoryFrameCodec
{
    private readonly TokenFrameCodec? _tokens;
    private readonly int _quality;

    private MemoryFrameCodec(MemoryFrameFormat format, int width, int height, int quality, TokenFrameCodec? tokens) =>
        (Format, Width, Height, _quality, _tokens) = (format, width, height, quality, tokens);

    /// <summary>What new entries are stored as; never <see cref="MemoryFrameFormat.Auto"/>.</summary>
    public MemoryFrameFormat Format { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// The format <paramref name="policy"/> asks for, for a model whose frames are <paramref name="tokens"/> (null: its
    /// package carries no codebook). One <see cref="TokenFrameCodec"/> serves every world of a model.
    /// </summary>
    /// <exception cref="ArgumentException">Tokens are asked for and there is no codebook, or they are of another frame size.</exception>
    public static MemoryFrameCodec For(MemoryPolicy policy, int width, int height, TokenFrameCodec? tokens)
    {
        if (tokens is not null && tokens.FrameBytes != width * height * 3)
        {
            throw new ArgumentException($"the tokens are of frames of {tokens.FrameBytes} bytes, not {width}x{height}", nameof(tokens));
        }
        MemoryFrameFormat format = policy.FrameFormat switch
        {
            MemoryFrameFormat.Auto => tokens is null ? MemoryFrameFormat.Jpeg : MemoryFrameFormat.Tokens,
            MemoryFrameFormat.Tokens when tokens is null =>
                throw new ArgumentException("memory frames as tokens need the model's codebook, and its package carries none (sampler.codebook_file)"),
            var asked => asked,
        };
        return new MemoryFrameCodec(format, width, height, policy.FrameQuality, tokens);
    }

    /// <summary>The format in words, for reports: "tokens (512 patches, context-coded)", "tokens (512 patches, 9 bits)", "jpeg q70", "png".</summary>
    public string Description => Format switch
    {
        MemoryFrameFormat.Tokens => $"tokens ({_tokens!.Patches} patches, {(_tokens.ContextCoded ? "context-coded" : $"{_tokens.BitsPerPatch} bits")})",
        MemoryFrameFormat.Jpeg => $"jpeg q{_quality}",
        _ => "png",
    };

    public byte[] Encode(ReadOnlySpan<byte> rgb) => Format switch
    {
        MemoryFrameFormat.Tokens => _tokens!.Encode(rgb),
        MemoryFrameFormat.Jpeg => ImageFrameCodec.Jpeg(rgb, Width, Height, _quality),
        _ => ImageFrameCodec.Png(rgb, Width, Height),
    };

    /// <summary>The frame as stored, and as it decodes: the frame the model is fed, in play and after a reload alike.</summary>
    public (byte[] Encoded, byte[] Decoded) Store(ReadOnlySpan<byte> rgb)
    {
        if (Format == MemoryFrameFormat.Tokens)
        {
            return _tokens!.EncodeAndRender(rgb);
        }
        byte[] encoded = Encode(rgb);
        return (encoded, Decode(encoded));
    }

    /// <exception cref="InvalidDataException">The bytes are no frame this world can read.</exception>
    public byte[] Decode(byte[] encoded) => !TokenFrameCodec.IsTokens(encoded) ? ImageFrameCodec.Decode(encoded, Width, Height)
        : _tokens is not null ? _tokens.Decode(encoded)
        : throw new InvalidDataException("a memory frame stored as tokens, and the model's package carries no codebook to read it with");
}
