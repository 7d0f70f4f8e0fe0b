namespace WorldWeb.Tools.Cli;

public sealed class UsageException(string message) : Exception(message);

/// <summary>Parses "command [positional…] --key value --flag" command lines.</summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = [];

    public string Command { get; private init; } = "";
    public IReadOnlyList<string> Positional { get; private init; } = [];

    public static CommandArgs Parse(string[] argv)
    {
        if (argv.Length == 0) throw new UsageException("no command given. Run ./worldweb help.");
        var positional = new List<string>();
        var parsed = new CommandArgs { Command = argv[0], Positional = positional };
        for (var i = 1; i < argv.Length; i++)
        {
            if (!argv[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(argv[i]); continue; }
            var key = argv[i][2..];
            var hasValue = i + 1 < argv.Length && !argv[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed.options[key] = hasValue ? argv[++i] : null;
        }
        return parsed;
    }

    public string? Text(string key)
    {
        read.Add(key);
        return options.TryGetValue(key, out var value) ? value ?? throw new UsageException($"--{key} needs a value.") : null;
    }

    public string RequiredText(string key) => Text(key) ?? throw new UsageException($"--{key} is required.");

    public bool Flag(string key)
    {
        read.Add(key);
        return options.ContainsKey(key);
    }

    public int Int(string key, int fallback) => Text(key) is { } s
        ? int.TryParse(s, out var v) ? v : throw new UsageException($"--{key} expects a whole number, got '{s}'.")
        : fallback;

    public double Double(string key, double fallback) => Text(key) is { } s
        ? double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw new UsageException($"--{key} expects a number, got '{s}'.")
        : fallback;

    /// <summary>"1001,1002" or "1-100" or a mix: "1-3,7".</summary>
    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback)
    {
        var text = Text(key);
        if (text is null) return fallback;
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length == 2 && int.TryParse(range[0], out var a) && int.TryParse(range[1], out var b) && a <= b)
                values.AddRange(Enumerable.Range(a, b - a + 1));
            else if (int.TryParse(part, out var single))
                values.Add(single);
            else
                throw new UsageException($"--{key}: '{part}' is not a number or a range like 1-10.");
        }
        return values.Count > 0 ? values : throw new UsageException($"--{key} is empty.");
    }

    /// <summary>Rejects options the command did not read, so that typos do not pass silently.</summary>
    public void EnsureAllRead()
    {
        var unknown = options.Keys.Where(k => !read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
    }
}
