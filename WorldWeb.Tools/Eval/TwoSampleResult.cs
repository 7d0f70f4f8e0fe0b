using System.Text.Json;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// What training/c2st.py found: per group, how many held-out frames of each set the classifier placed right. The
/// accuracy of any groups together is balanced — the mean of the two sets' hit rates — so 0.5 is chance whatever
/// the sets' sizes. <see cref="Error"/> says why there is none.
/// </summary>
public sealed class TwoSampleResult
{
    private readonly Dictionary<long, (long HitsA, long A, long HitsB, long B)> groups = [];

    public string? Error { get; private init; }

    public static TwoSampleResult Failed(string error) => new() { Error = error };

    /// <summary>Reads the script's JSON: {"groups": {"0": {"a": [hits, tests], "b": [hits, tests]}, …}, …}.</summary>
    public static TwoSampleResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var result = new TwoSampleResult();
        foreach (var group in root.GetProperty("groups").EnumerateObject())
        {
            var a = group.Value.GetProperty("a");
            var b = group.Value.GetProperty("b");
            result.groups[long.Parse(group.Name, System.Globalization.CultureInfo.InvariantCulture)] =
                (a[0].GetInt64(), a[1].GetInt64(), b[0].GetInt64(), b[1].GetInt64());
        }
        return result;
    }

    /// <summary>Balanced accuracy over the given groups (all when null); null when they hold no frames of a set.</summary>
    public double? Accuracy(IEnumerable<int>? of = null)
    {
        long hitsA = 0, a = 0, hitsB = 0, b = 0;
        foreach (var (group, counts) in groups)
        {
            if (of is not null && !of.Contains((int)group)) continue;
            hitsA += counts.HitsA;
            a += counts.A;
            hitsB += counts.HitsB;
            b += counts.B;
        }
        return a == 0 || b == 0 ? null : Math.Round(((double)hitsA / a + (double)hitsB / b) / 2, 3);
    }
}
