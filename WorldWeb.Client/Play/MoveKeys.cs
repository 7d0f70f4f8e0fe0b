using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// Describes a model's movement keys in one short phrase for the play hint, e.g. "WASD / arrows": the letters
/// that share an action with an arrow key, then "arrows"; and its press actions, e.g. "F to paint". The key help
/// lists every key.
/// </summary>
public static class MoveKeys
{
    private const string LetterOrder = "WASDQEZXCRFVTGBYHNUJMIKOLP";

    public static string Describe(IEnumerable<ActionInfo> actions)
    {
        // Moving is holding a key; a press (paint) is named on its own.
        var keyed = actions.Where(a => !a.Press && a.Keys.Count > 0).ToList();
        var withArrows = keyed.Where(a => a.Keys.Any(IsArrow)).ToList();
        var letters = (withArrows.Count > 0 ? withArrows : keyed)
            .SelectMany(a => a.Keys)
            .Where(IsLetter)
            .Select(c => c[3])
            .Distinct()
            .OrderBy(c => LetterOrder.IndexOf(c) is var i && i >= 0 ? i : int.MaxValue)
            .ToArray();
        var parts = new List<string>();
        if (letters.Length > 0)
        {
            parts.Add(new string(letters));
        }

        if (withArrows.Count > 0)
        {
            parts.Add("arrows");
        }

        if (parts.Count == 0)
        {
            parts.AddRange(keyed.SelectMany(a => a.Keys).Distinct().Select(KeyNames.Label));
        }

        return parts.Count == 0 ? "the keys listed" : string.Join(" / ", parts);
    }

    /// <summary>"F to paint" for each press action with a key (its first key), joined by ", "; null when there is none.</summary>
    public static string? DescribePresses(IEnumerable<ActionInfo> actions)
    {
        var presses = actions.Where(a => a.Press && a.Keys.Count > 0)
            .Select(a => $"{KeyNames.Label(a.Keys[0])} to {a.Name.Replace('_', ' ')}")
            .ToList();
        return presses.Count == 0 ? null : string.Join(", ", presses);
    }

    private static bool IsArrow(string code) => code.StartsWith("Arrow", StringComparison.Ordinal);

    private static bool IsLetter(string code) => code.StartsWith("Key", StringComparison.Ordinal) && code.Length == 4;
}
