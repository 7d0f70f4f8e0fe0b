using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace WorldWeb.Memory;

/// <summary>
/// The integer frequencies <see cref="TokenContextCoding"/> codes a patch with: for a patch d sixteenths of a bit below
/// the best score, max(1, ⌊F[d mod 16] / 2^⌊d/16⌋⌋), F[r] = 2^14 · 2^(−r/16) in fixed point: halving every bit, never
/// below 1. Computed 8 patches at a time where the CPU has AVX2 (a write or a load of a memory frame scores 512
/// patches 256 times), else one at a time, to exactly the same integers.
/// </summary>
internal static class TokenFrequencies
{
    private static readonly uint[] Sixteenths = Fractions();

    /// <summary>Each patch's frequency from its two scores; their sum.</summary>
    public static uint Of(ReadOnlySpan<short> below, ReadOnlySpan<short> right, Span<uint> frequencies, bool vectors = true)
    {
        int count = frequencies.Length, vectorEnd = vectors && Avx2.IsSupported ? count & ~15 : 0;
        Span<int> scores = stackalloc int[count];
        int best = int.MinValue;
        if (vectorEnd > 0)
        {
            var bestLanes = Vector256.Create(int.MinValue);
            for (int k = 0; k < vectorEnd; k += 16)
            {
                (Vector256<int> belowLow, Vector256<int> belowHigh) = Vector256.Widen(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(below), (nuint)k));
                (Vector256<int> rightLow, Vector256<int> rightHigh) = Vector256.Widen(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(right), (nuint)k));
                Vector256<int> low = belowLow + rightLow, high = belowHigh + rightHigh;
                low.StoreUnsafe(ref MemoryMarshal.GetReference(scores), (nuint)k);
                high.StoreUnsafe(ref MemoryMarshal.GetReference(scores), (nuint)(k + 8));
                bestLanes = Vector256.Max(bestLanes, Vector256.Max(low, high));
            }
            for (int lane = 0; lane < 8; lane++)
            {
                best = Math.Max(best, bestLanes[lane]);
            }
        }
        for (int k = vectorEnd; k < count; k++)
        {
            scores[k] = below[k] + right[k];
            best = Math.Max(best, scores[k]);
        }

        uint total = 0;
        if (vectorEnd > 0)
        {
            Vector256<int> firstHalf = Vector256.Create(Sixteenths.AsSpan(0, 8)).AsInt32(), secondHalf = Vector256.Create(Sixteenths.AsSpan(8, 8)).AsInt32();
            Vector256<int> bests = Vector256.Create(best), eight = Vector256.Create(8), fifteen = Vector256.Create(15);
            Vector256<uint> totals = Vector256<uint>.Zero, one = Vector256<uint>.One;
            for (int k = 0; k < vectorEnd; k += 8)
            {
                Vector256<int> behind = bests - Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(scores), (nuint)k);
                Vector256<int> fraction = behind & fifteen;
                Vector256<int> picked = Vector256.ConditionalSelect(Vector256.Equals(fraction & eight, eight),
                    Avx2.PermuteVar8x32(secondHalf, fraction), Avx2.PermuteVar8x32(firstHalf, fraction));
                // A shift by 32 or more gives 0, as the one-at-a-time rule says.
                Vector256<uint> frequency = Vector256.Max(one, Avx2.ShiftRightLogicalVariable(picked.AsUInt32(), Vector256.ShiftRightLogical(behind, 4).AsUInt32()));
                frequency.StoreUnsafe(ref MemoryMarshal.GetReference(frequencies), (nuint)k);
                totals += frequency;
            }
            total = Vector256.Sum(totals);
        }
        for (int k = vectorEnd; k < count; k++)
        {
            frequencies[k] = Frequency(best - scores[k]);
            total += frequencies[k];
        }
        return total;
    }

    /// <summary>The sum of the frequencies before patch <paramref name="code"/>.</summary>
    public static uint Before(ReadOnlySpan<uint> frequencies, int code)
    {
        uint start = 0;
        int k = 0;
        for (; k + 8 <= code; k += 8)
        {
            start += Vector256.Sum(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(frequencies), (nuint)k));
        }
        for (; k < code; k++)
        {
            start += frequencies[k];
        }
        return start;
    }

    /// <summary>The patch whose share of the frequencies holds <paramref name="target"/> (&lt; their sum), and the sum before it.</summary>
    public static (int Code, uint Start) At(ReadOnlySpan<uint> frequencies, uint target)
    {
        uint start = 0;
        int code = 0;
        for (uint block; code + 8 <= frequencies.Length && start + (block = Vector256.Sum(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(frequencies), (nuint)code))) <= target; code += 8)
        {
            start += block;
        }
        while (start + frequencies[code] <= target)
        {
            start += frequencies[code++];
        }
        return (code, start);
    }

    private static uint Frequency(int behind) => behind >> 4 >= 32 ? 1 : Math.Max(1, Sixteenths[behind & 15] >> (behind >> 4));

    /// <summary>F[r] = 2^14 · 2^(−r/16), r = 0…15, by fixed-point multiplication (no floating point).</summary>
    private static uint[] Fractions()
    {
        const ulong stepDown = 62757;  // 2^(-1/16) · 2^16
        uint[] fractions = new uint[16];
        ulong value = 1UL << (14 + 32);
        for (int r = 0; r < fractions.Length; r++, value = value * stepDown >> 16)
        {
            fractions[r] = (uint)(value >> 32);
        }
        return fractions;
    }
}
