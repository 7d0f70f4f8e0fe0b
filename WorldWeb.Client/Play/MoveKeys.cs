using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>Describes a model's movement keys in one phrase for hints, e.g. "WASD / arrows".</summary>
public static class MoveKeys
{
    private const string LetterOrder = "WASDQEZXCRFVTGBYHNUJMIKOLP";

    public static string Describe(IEnumerable<ActionInfo> actions)
    {
        var codes = actions.SelectMany(a => a.Keys).Distinct().ToList();
        var letters = codes
            .Where(c => c.StartsWith("Key", StringComparison.Ordinal) && c.Length == 4)
            .Select(c => c[3])
            .OrderBy(c => LetterOrder.IndexOf(c) is var i && i >= 0 ? i : int.MaxValue)
            .ToArray();
        var parts = new List<string>();
        if (letters.Length > 0)
        {
            parts.Add(new string(letters));
        }

        if (codes.Any(c => c.StartsWith("Arrow", StringComparison.Ordinal)))
        {
            parts.Add("arrows");
        }

        var others = codes.Where(c => !c.StartsWith("Arrow", StringComparison.Ordinal) && !(c.StartsWith("Key", StringComparison.Ordinal) && c.Length == 4));
        parts.AddRange(others.Select(KeyNames.Label));
        return parts.Count == 0 ? "the keys listed" : string.Join(" / ", parts);
    }
}
