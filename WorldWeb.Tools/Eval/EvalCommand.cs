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
/// ./worldweb eval: measures a model package against the reference world on held-out seeds — free play as a
/// player sees it (<see cref="FreePlay"/>), teacher-forced quality beside the copy-last baseline, open-loop
/// rollouts, loop closure with and without memory, pose tracking. Memory is the server's (WorldWeb.Memory, default
/// policy, frames stored as <c>--memory-format</c> and <c>--memory-quality</c> say: <see cref="MemoryFormatArgs"/>);
/// <c>--memory off</c> runs teacher forcing and rollouts without it (free play is always as served). Free
/// play is also set beside the world under the same actions by colour and by a classifier two-sample test
/// (<see cref="FreePlayFidelity"/>; <c>--c2st off</c> skips the classifier, which needs Python with torch).
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
        var policy = MemoryFormatArgs.Read(args);
        var playHorizon = args.Int("horizon", FreePlay.RevisitHorizons[^1]);
        var playRollouts = args.Int("play-rollouts", 4);
        var c2st = args.Text("c2st") ?? "on";
        var bankSeeds = args.IntList("bank-seeds", Enumerable.Range(20001, 64).ToList());
        var editSpots = args.Int("edit-spots", 4);
        var longEdits = args.Flag("long");
        var away = args.IntList("away", [.. EditPersistence.AwaySteps]);
        var wayIn = args.Int("way-in", 0);
        var wayInWalls = args.Text("way-in-walls") ?? "all";
        var pressed = args.Flag("pressed");
        var inference = InferenceArgs.Read(args);
        args.EnsureAllRead();
        if (playHorizon < 1 || playRollouts < 1) throw new UsageException("--horizon and --play-rollouts must be at least 1.");
        if (bankSeeds.Intersect(seeds).Any()) throw new UsageException("--bank-seeds must not hold an evaluated seed: real frames of the evaluated mazes would flatter the model.");
        if (memory is not ("on" or "off")) throw new UsageException("--memory is on or off.");
        if (c2st is not ("on" or "off")) throw new UsageException("--c2st is on or off.");
        if (away.Count == 0 || away.Any(n => n < 1) || away.Distinct().Count() != away.Count)
            throw new UsageException("--away takes distinct loop lengths of at least 1 step, such as 32,128,512,2000.");
        var actions = actionsFile is null ? null : ReadActions(actionsFile);
        var horizon = Horizons[^1];
        if (actions is null && steps < horizon + 16) throw new UsageException($"--steps must be at least {horizon + 16} for {horizon}-step rollouts.");

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        using var package = PackageOpener.Open(modelDir, inference, loggers.CreateLogger("eval"));
        using var model = package.CreateWorldModel();
        var k = package.Manifest.ContextFrames;
        var paints = package.Manifest.Actions.Any(a => a.Name == "paint");
        if (editSpots < 1) throw new UsageException("--edit-spots must be at least 1.");
        if (wayIn < 0) throw new UsageException("--way-in is the steps played to each wall before its paint: 0 (paint from the world's own frames) or more.");
        if (wayInWalls is not ("all" or "in-view")) throw new UsageException("--way-in-walls is all or in-view (only walls in view where the way in begins).");
        if (!paints && actions?.Contains(WorldAction.Paint) == true) throw new UsageException($"{actionsFile} paints, and {modelDir} has no paint action.");
        var frames = MemoryFormatArgs.Frames(policy, package);
        var rollout = new Rollout(model);
        var evaluation = new Evaluation(rollout, k, policy, frames, memory == "on");
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"eval: a bank of real frames from {bankSeeds.Count} other mazes …");
        var bank = RealFrameBank.Build(bankSeeds, steps: 300, every: 3, paints);
        var freePlay = new FreePlay(rollout, k, policy, frames, bank, package.Manifest.Fps);
        var paint = package.Manifest.Actions.FirstOrDefault(a => a.Name == "paint");
        var edits = paint is null ? null : new EditPersistence(rollout, k, policy, frames, paint.Index, wayIn, wayInWalls == "in-view", pressed);
        int[] awaySteps = longEdits ? [.. away.Append(EditPersistence.LongAwaySteps).Distinct()] : [.. away];
        foreach (var seed in seeds)
        {
            var trajectory = ReferenceTrajectory.Record(seed, steps, actions, paints);
            if (trajectory.Length < k + 2) throw new UsageException($"the trajectory has {trajectory.Length} frames; the model needs at least {k + 2}.");
            Console.WriteLine($"eval: seed {seed}: teacher forcing over {trajectory.Length - k} steps …");
            evaluation.TeacherForced(seed, trajectory);
            Console.WriteLine($"eval: seed {seed}: {rollouts} rollouts of up to {horizon} steps …");
            evaluation.Rollouts(seed, trajectory, rollouts, horizon);
            Console.WriteLine($"eval: seed {seed}: loop closure, memory on and off …");
            evaluation.Loops(seed, trajectory, loops);
            Console.WriteLine($"eval: seed {seed}: free play, {playRollouts} worlds per policy × {playHorizon} steps …");
            freePlay.Play(seed, trajectory, playRollouts, playHorizon);
            if (edits is null) continue;
            Console.WriteLine($"eval: seed {seed}: {EditPersistence.PolicyName}, {editSpots} walls × loops of {string.Join(", ", awaySteps)} steps, memory on and off …");
            edits.Play(seed, trajectory, editSpots, awaySteps);
        }
        if (edits is null) Console.WriteLine($"eval: {modelDir} has no paint action: {EditPersistence.PolicyName} skipped");

        var (width, height) = (package.Manifest.Frame.Width, package.Manifest.Frame.Height);
        if (c2st == "off") freePlay.Fidelity.SkipTest("--c2st off");
        else if (TwoSampleTest.Locate(width, height, out var why) is { } test) freePlay.Fidelity.TestApart(test);
        else freePlay.Fidelity.SkipTest(why!);

        var report = evaluation.Report(package, seeds, actionsFile, freePlay, edits, clock.Elapsed);
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        Directory.CreateDirectory(Path.GetDirectoryName(jsonPath)!);
        File.WriteAllText(jsonPath, json);
        var plots = EvalPlots.Write(Path.GetDirectoryName(jsonPath)!, Path.GetFileNameWithoutExtension(jsonPath), evaluation, freePlay, edits, width, height);
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
