namespace WorldWeb.Memory;

/// <summary>
/// How well a world agrees with itself: each time it comes back close to a stored memory, the PSNR of the frame it
/// generates against the stored one. Kept as a running mean.
/// </summary>
public sealed class RevisitScore
{
    private double _sum;

    public int Count { get; private set; }

    /// <summary>Mean PSNR (dB) over all revisits; null before the first.</summary>
    public double? MeanPsnr => Count == 0 ? null : _sum / Count;

    public double? LastPsnr { get; private set; }

    /// <summary>The sum behind <see cref="MeanPsnr"/>, which a save keeps.</summary>
    public double SumPsnr => _sum;

    /// <summary>A score as a save left it.</summary>
    public static RevisitScore Restore(int count, double sumPsnr, double? lastPsnr) =>
        new() { Count = count, _sum = sumPsnr, LastPsnr = lastPsnr };

    public void Add(double psnr)
    {
        Count++;
        _sum += psnr;
        LastPsnr = psnr;
    }
}
