using System.Numerics;

namespace WorldWeb.Inference.Noise;

/// <summary>xoshiro256** 1.0 (Blackman and Vigna), seeded from SplitMix64 as its authors recommend.</summary>
internal struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public static Xoshiro256StarStar FromSplitMix64(ulong seed)
    {
        var splitMix = new SplitMix64(seed);
        return new Xoshiro256StarStar
        {
            _s0 = splitMix.Next(),
            _s1 = splitMix.Next(),
            _s2 = splitMix.Next(),
            _s3 = splitMix.Next(),
        };
    }

    public ulong Next()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }
}

/// <summary>SplitMix64 (Steele, Lea and Flood; Vigna's reference code): state += γ, then mix.</summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
