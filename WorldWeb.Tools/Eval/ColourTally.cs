namespace WorldWeb.Tools.Eval;

/// <summary>The colour histogram (<see cref="ColourMeasures"/>) and colourful pixels of a set of RGB24 frames.</summary>
public sealed class ColourTally
{
    private readonly long[] histogram = new long[ColourMeasures.Bins];

    public ReadOnlySpan<long> Histogram => histogram;
    public long Colourful { get; private set; }
    public long Pixels { get; private set; }
    public double ColourfulShare => Pixels == 0 ? double.NaN : (double)Colourful / Pixels;

    public static ColourTally Of(IEnumerable<byte[]> frames)
    {
        var tally = new ColourTally();
        foreach (var frame in frames) tally.Add(frame);
        return tally;
    }

    public static ColourTally Sum(IEnumerable<ColourTally> tallies)
    {
        var sum = new ColourTally();
        foreach (var tally in tallies) sum.Add(tally);
        return sum;
    }

    public void Add(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length % 3 != 0) throw new ArgumentException($"An RGB24 frame has a multiple of 3 bytes, not {rgb.Length}.");
        long colourful = 0;
        for (var i = 0; i < rgb.Length; i += 3)
        {
            byte r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
            histogram[ColourMeasures.Bin(r, g, b)]++;
            if (ColourMeasures.IsColourful(r, g, b)) colourful++;
        }
        Colourful += colourful;
        Pixels += rgb.Length / 3;
    }

    public void Add(ColourTally other)
    {
        for (var i = 0; i < histogram.Length; i++) histogram[i] += other.histogram[i];
        Colourful += other.Colourful;
        Pixels += other.Pixels;
    }

    public double DistanceTo(ColourTally other) => ColourMeasures.TotalVariation(histogram, other.histogram);
}
