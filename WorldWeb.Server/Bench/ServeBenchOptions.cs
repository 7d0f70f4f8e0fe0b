using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WorldWeb.Server.Bench;

/// <summary>The arguments of <c>bench serve</c>, checked.</summary>
public sealed record ServeBenchOptions(int Worlds, double Seconds, string? JsonPath, string? Provider, string? Precision, int ClipSteps = 0, int LobbyVisitors = 0,
    string LobbyMode = Bench.LobbyVisitors.Stream)
{
    public const string Usage =
        "usage: bench serve --worlds N [--seconds S] [--json OUT.json] [--provider cpu|cuda] [--precision auto|float|half|int8] [--clip-steps C] [--lobby-visitors V [--lobby-mode stream|poll]]\n" +
        "  N: the most worlds to try (1-100000); S: seconds measured per stage (1-600, default 5);\n" +
        "  C: then render a clip of C steps alone and beside N watched worlds (1-1000000);\n" +
        "  V: then measure V lobby visitors beside N public worlds against one more world (1-10000), each holding a stream\n" +
        "     as the page does (--lobby-mode stream, the default) or polling once a second as it did (--lobby-mode poll)";

    public static bool TryParse(string[] args, [NotNullWhen(true)] out ServeBenchOptions? options, [NotNullWhen(false)] out string? error)
    {
        (options, error) = (null, null);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] is not ("--worlds" or "--seconds" or "--json" or "--provider" or "--precision" or "--clip-steps" or "--lobby-visitors" or "--lobby-mode") || i + 1 >= args.Length)
            {
                // --contentRoot and the like are the host's; an unknown --name with no value is a mistake.
                if (args[i] is "--contentRoot" or "--urls" && i + 1 < args.Length) { i++; continue; }
                error = $"unknown or incomplete option '{args[i]}'";
                return false;
            }
            values[args[i]] = args[++i];
        }
        if (!values.TryGetValue("--worlds", out string? worldsText) || !int.TryParse(worldsText, CultureInfo.InvariantCulture, out int worlds) || worlds is < 1 or > 100_000)
        {
            error = "--worlds N is required: a whole number from 1 to 100000";
            return false;
        }
        double seconds = 5;
        if (values.TryGetValue("--seconds", out string? secondsText)
            && (!double.TryParse(secondsText, CultureInfo.InvariantCulture, out seconds) || seconds is < 1 or > 600))
        {
            error = "--seconds S is a number from 1 to 600";
            return false;
        }
        string? provider = values.GetValueOrDefault("--provider")?.ToLowerInvariant();
        if (provider is not (null or "cpu" or "cuda"))
        {
            error = "--provider is cpu or cuda";
            return false;
        }
        string? precision = values.GetValueOrDefault("--precision")?.ToLowerInvariant();
        if (precision is not (null or "auto" or "float" or "half" or "int8"))
        {
            error = "--precision is auto, float, half or int8";
            return false;
        }
        int clipSteps = 0;
        if (values.TryGetValue("--clip-steps", out string? clipText)
            && (!int.TryParse(clipText, CultureInfo.InvariantCulture, out clipSteps) || clipSteps is < 1 or > 1_000_000))
        {
            error = "--clip-steps C is a whole number from 1 to 1000000";
            return false;
        }
        int lobbyVisitors = 0;
        if (values.TryGetValue("--lobby-visitors", out string? visitorsText)
            && (!int.TryParse(visitorsText, CultureInfo.InvariantCulture, out lobbyVisitors) || lobbyVisitors is < 1 or > 10_000))
        {
            error = "--lobby-visitors V is a whole number from 1 to 10000";
            return false;
        }
        string lobbyMode = values.GetValueOrDefault("--lobby-mode")?.ToLowerInvariant() ?? Bench.LobbyVisitors.Stream;
        if (lobbyMode is not (Bench.LobbyVisitors.Stream or Bench.LobbyVisitors.Poll))
        {
            error = "--lobby-mode is stream or poll";
            return false;
        }
        options = new ServeBenchOptions(worlds, seconds, values.GetValueOrDefault("--json"), provider, precision, clipSteps, lobbyVisitors, lobbyMode);
        return true;
    }
}
