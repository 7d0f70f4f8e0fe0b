using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// ./worldweb eval: measures a model package against the reference world on held-out seeds —
/// teacher-forced quality, open-loop rollouts, loop closure with and without memory, pose tracking. Memory is the
/// server's (WorldWeb.Memory, default policy); <c>--memory off</c> runs teacher forcing and rollouts without it.
/// </summary>
public static class EvalCommand
{
    public static readonly int[] Horizons = [1, 8, 32, 128];

    public static int Run(CommandArgs args)
    {
        var modelDir = args.RequiredText("model");
        var seeds = args.IntList("seeds", [1001, 1002]);
        var actionsFile = args.Text("actions");
        var jsonPath = Path.GetFullPath(args.Text("json") ?? "eval.json");
        var steps = args.Int("steps", 300);
        var rollouts = args.Int("rollouts", 4);
        var loops = args.Int("loops", 6);
        var memory = args.Text("memory") ?? "on";
        args.EnsureAllRead();
        if (memory is not ("on" or "off")) throw new UsageException("--memory is on or off.");
        var actions = actionsFile is null ? null : ReadActions(actionsFile);
        var horizon = Horizons[^1];
        if (actions is null && steps < horizon + 16) throw new UsageException($"--steps must be at least {horizon + 16} for {horizon}-step rollouts.");

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        using var package = PackageOpener.Open(modelDir, new InferenceOptions(), loggers.CreateLogger("eval"));
        using var model = package.CreateWorldModel();
        var k = package.Manifest.ContextFrames;
        var evaluation = new Evaluation(new Rollout(model), k, new MemoryPolicy(), memory == "on");
        var clock = Stopwatch.StartNew();
        foreach (var seed in seeds)
        {
            var trajectory = ReferenceTrajectory.Record(seed, steps, actions);
            if (trajectory.Length < k + 2) throw new UsageException($"the trajectory has {trajectory.Length} frames; the model needs at least {k + 2}.");
            Console.WriteLine($"eval: seed {seed}: teacher forcing over {trajectory.Length - k} steps …");
            evaluation.TeacherForced(seed, trajectory);
            Console.WriteLine($"eval: seed {seed}: {rollouts} rollouts of up to {horizon} steps …");
            evaluation.Rollouts(seed, trajectory, rollouts, horizon);
            Console.WriteLine($"eval: seed {seed}: loop closure, memory on and off …");
            evaluation.Loops(seed, trajectory, loops);
        }

        var report = evaluation.Report(package, seeds, actionsFile, clock.Elapsed);
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        Directory.CreateDirectory(Path.GetDirectoryName(jsonPath)!);
        File.WriteAllText(jsonPath, json);
        var plots = EvalPlots.Write(Path.GetDirectoryName(jsonPath)!, Path.GetFileNameWithoutExtension(jsonPath), evaluation, package.Manifest.Frame.Width, package.Manifest.Frame.Height);
        Console.WriteLine(json);
        Console.WriteLine($"eval: wrote {jsonPath} and {string.Join(", ", plots)}");
        return 0;
    }

    private static List<WorldAction> ReadActions(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--actions file '{path}' does not exist.");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        try
        {
            return lines.Select(WorldActions.Parse).ToList();
        }
        catch (FormatException e)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
    }
}
