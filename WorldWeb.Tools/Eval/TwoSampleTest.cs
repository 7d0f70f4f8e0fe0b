using System.Diagnostics;
using System.Globalization;
using WorldWeb.ReferenceWorld.Shards;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// The classifier two-sample test, run by training/c2st.py (C# has no training library): the sets go to .npy files
/// in a temporary folder, the script trains a small CNN on some episodes to tell them apart and reports how often it
/// is right on the others (0.5: it cannot tell). Needs Python with torch and numpy; without them the result carries
/// the reason instead of numbers.
/// </summary>
public sealed class TwoSampleTest(string python, string script, int width, int height, int seed = 0)
{
    public const string ScriptPath = "training/c2st.py";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The script in this checkout (looked for above the working directory and the tool's own folder) and the Python
    /// that training uses: $WORLDWEB_PYTHON, else /usr/bin/python3.
    /// </summary>
    public static TwoSampleTest? Locate(int width, int height, out string? why)
    {
        var python = Environment.GetEnvironmentVariable("WORLDWEB_PYTHON") ?? "/usr/bin/python3";
        var script = new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .SelectMany(Ancestors).Select(d => Path.Combine(d, ScriptPath)).FirstOrDefault(File.Exists);
        why = script is null ? $"{ScriptPath} not found above {Directory.GetCurrentDirectory()}"
            : !File.Exists(python) ? $"no Python at {python} (set WORLDWEB_PYTHON)"
            : null;
        return why is null ? new TwoSampleTest(python, script!, width, height) : null;
    }

    /// <param name="repeats">How many times the folds are dealt (each frame tested once per deal): steadier with few episodes.</param>
    public TwoSampleResult Run(TwoSampleSets sets, int repeats = 1)
    {
        if (sets.A.Count == 0 || sets.B.Count == 0) return TwoSampleResult.Failed("no frames to compare");
        var folder = Directory.CreateTempSubdirectory("worldweb-c2st-").FullName;
        try
        {
            string InFolder(string name) => Path.Combine(folder, name);
            WriteFrames(InFolder("a.npy"), sets.A);
            WriteFrames(InFolder("b.npy"), sets.B);
            NpyWriter.Write(InFolder("a_episodes.npy"), sets.EpisodesA.ToArray(), sets.EpisodesA.Count);
            NpyWriter.Write(InFolder("b_episodes.npy"), sets.EpisodesB.ToArray(), sets.EpisodesB.Count);
            NpyWriter.Write(InFolder("a_groups.npy"), sets.GroupsA.ToArray(), sets.GroupsA.Count);
            NpyWriter.Write(InFolder("b_groups.npy"), sets.GroupsB.ToArray(), sets.GroupsB.Count);
            var start = new ProcessStartInfo(python, [script, "--a", InFolder("a.npy"), "--b", InFolder("b.npy"),
                "--a-episodes", InFolder("a_episodes.npy"), "--b-episodes", InFolder("b_episodes.npy"),
                "--a-groups", InFolder("a_groups.npy"), "--b-groups", InFolder("b_groups.npy"),
                "--seed", seed.ToString(CultureInfo.InvariantCulture), "--repeats", repeats.ToString(CultureInfo.InvariantCulture),
                "--json", InFolder("result.json")])
            { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
            // Progress lines pass through as they come; errors are kept for the report.
            var errors = new List<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"eval: c2st: {e.Data}"); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return TwoSampleResult.Failed($"{ScriptPath} ran past {Limit.TotalMinutes} minutes");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                return TwoSampleResult.Failed($"{python} {ScriptPath} failed (exit {process.ExitCode}): {string.Join(" | ", errors.TakeLast(3))}");
            return TwoSampleResult.Parse(File.ReadAllText(InFolder("result.json")));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return TwoSampleResult.Failed($"could not run {python}: {e.Message}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private void WriteFrames(string path, List<byte[]> frames)
    {
        var size = width * height * 3;
        var all = new byte[(long)frames.Count * size];
        for (var i = 0; i < frames.Count; i++) frames[i].CopyTo(all, (long)i * size);
        NpyWriter.Write(path, all, frames.Count, height, width, 3);
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var d = new DirectoryInfo(directory); d is not null; d = d.Parent) yield return d.FullName;
    }
}
