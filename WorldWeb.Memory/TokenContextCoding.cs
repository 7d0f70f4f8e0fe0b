using WorldWeb.Inference.Packages;

namespace WorldWeb.Memory;

/// <summary>
/// A frame's patch indices range-coded, each with the probabilities the model's <see cref="TokenPrior"/> gives it
/// beneath the patch above and right of the patch to its left: a patch of the model's own frames is mostly what its
/// neighbours make likely, so it costs ~3 bits where packing spends 9 and deflate ~6. All in integers (the prior's
/// scores, <see cref="TokenFrequencies"/>, a 32-bit range coder in the style of LZMA's), so that any machine decodes
/// what any other wrote.
/// </summary>
internal static class TokenContextCoding
{
    public static byte[] Encode(ReadOnlySpan<ushort> codes, int columns, TokenPrior prior)
    {
        var coder = new RangeEncoder(codes.Length);
        uint[] frequencies = new uint[prior.Patches];
        for (int i = 0; i < codes.Length; i++)
        {
            uint total = Score(codes, i, columns, prior, frequencies);
            coder.Encode(TokenFrequencies.Before(frequencies, codes[i]), frequencies[codes[i]], total);
        }
        return coder.Finish();
    }

    /// <exception cref="InvalidDataException">The bytes are not a frame's codes under this prior.</exception>
    public static void Decode(ReadOnlySpan<byte> bytes, int columns, TokenPrior prior, Span<ushort> codes)
    {
        var decoder = new RangeDecoder(bytes);
        uint[] frequencies = new uint[prior.Patches];
        for (int i = 0; i < codes.Length; i++)
        {
            uint total = Score(codes, i, columns, prior, frequencies);
            (int code, uint start) = TokenFrequencies.At(frequencies, decoder.Target(total));
            decoder.Consume(start, frequencies[code]);
            codes[i] = (ushort)code;
        }
        decoder.EnsureWhole();
    }

    /// <summary>The frequency of each patch at <paramref name="at"/>, from the codes before it; their sum.</summary>
    private static uint Score(ReadOnlySpan<ushort> codes, int at, int columns, TokenPrior prior, uint[] frequencies)
    {
        int none = prior.Patches;
        return TokenFrequencies.Of(prior.Below(at >= columns ? codes[at - columns] : none), prior.RightOf(at % columns != 0 ? codes[at - 1] : none), frequencies);
    }

    private const uint Top = 1u << 24;

    /// <summary>
    /// LZMA's range encoder (64-bit low with carry), less its first byte, which is always 0, and ending with the two
    /// bytes that pin the value down: the decoder reads exactly three zeros past the end.
    /// </summary>
    private sealed class RangeEncoder(int capacity)
    {
        private readonly List<byte> _bytes = new(capacity);
        private ulong _low;
        private uint _range = uint.MaxValue;
        private byte _cache;
        private long _cacheSize = 1;
        private bool _first = true;

        public void Encode(uint start, uint size, uint total)
        {
            uint r = _range / total;
            _low += (ulong)r * start;
            _range = r * size;
            while (_range < Top)
            {
                _range <<= 8;
                ShiftLow();
            }
        }

        public byte[] Finish()
        {
            // Any value in [low, low + range) decodes alike; range ≥ 2^24, so one with three zero low bytes lies
            // there, and the decoder reads those three as zeros past the end.
            _low = (_low + (Top - 1)) & ~(ulong)(Top - 1);
            ShiftLow();
            ShiftLow();
            return [.. _bytes];
        }

        private void ShiftLow()
        {
            if ((uint)_low < 0xFF000000u || (_low >> 32) != 0)
            {
                byte carry = (byte)(_low >> 32), pending = _cache;
                do
                {
                    Write((byte)(pending + carry));
                    pending = 0xFF;
                }
                while (--_cacheSize != 0);
                _cache = (byte)((uint)_low >> 24);
            }
            _cacheSize++;
            _low = (_low & 0x00FFFFFF) << 8;
        }

        private void Write(byte value)
        {
            if (_first)
            {
                _first = false;
                return;
            }
            _bytes.Add(value);
        }
    }

    private ref struct RangeDecoder
    {
        private const int PastEnd = 3;
        private readonly ReadOnlySpan<byte> _bytes;
        private int _at;
        private uint _code, _range = uint.MaxValue, _r;

        public RangeDecoder(ReadOnlySpan<byte> bytes)
        {
            _bytes = bytes;
            for (int i = 0; i < 4; i++)
            {
                _code = (_code << 8) | Next();
            }
        }

        public uint Target(uint total)
        {
            _r = _range / total;
            uint target = _code / _r;
            return target < total ? target : throw new InvalidDataException("context-coded tokens are corrupt (a value beyond the frequencies)");
        }

        public void Consume(uint start, uint size)
        {
            _code -= start * _r;
            _range = size * _r;
            while (_range < Top)
            {
                _code = (_code << 8) | Next();
                _range <<= 8;
            }
        }

        public readonly void EnsureWhole()
        {
            if (_at != _bytes.Length + PastEnd)
            {
                throw new InvalidDataException("context-coded tokens are longer than a frame's");
            }
        }

        private byte Next() =>
            _at++ < _bytes.Length ? _bytes[_at - 1]
            : _at - _bytes.Length <= PastEnd ? (byte)0
            : throw new InvalidDataException("context-coded tokens are shorter than a frame's");
    }
}
