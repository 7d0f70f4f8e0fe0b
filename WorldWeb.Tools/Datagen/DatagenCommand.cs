using System.Diagnostics;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Shards;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tools.Datagen;

/// <summary>./worldweb datagen: renders exploration episodes of the reference world as training shards.</summary>
public static class DatagenCommand
{
    public static int Run(CommandArgs args)
    {
        var output = args.Text("out") ?? "data/shards";
        var seeds = args.IntList("seeds", Enumerable.Range(1, 120).ToList());
        var steps = args.Int("steps", 600);
        var paint = args.Text("paint") ?? "on";
        var pressWalls = args.Text("press-walls") ?? "off";
        var options = WorldOptions.Default with { Width = args.Int("size", 64), Height = args.Int("size", 64) };
        args.EnsureAllRead();
        if (steps < 8) throw new UsageException("--steps must be at least 8.");
        if (paint is not ("on" or "off")) throw new UsageException("--paint is on or off (off: the explorer of the shards models up to 0.2.4 were trained on).");
        if (pressWalls is not ("on" or "off")) throw new UsageException("--press-walls is on or off (on: the explorer also walks into walls and keeps pressing, as players do).");
        if (seeds.Any(s => s >= 1000))
            Console.Error.WriteLine("warning: seeds >= 1000 are held out for evaluation; training on them makes eval numbers meaningless.");

        var writer = new ShardWriter(output, options, StaleFrom, paints: paint == "on", pressesWalls: pressWalls == "on");
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < seeds.Count; i++)
        {
            writer.Record(seeds[i], steps);
            var done = i + 1;
            if (done == seeds.Count || clock.Elapsed.TotalSeconds > 0 && done % Math.Max(1, seeds.Count / 20) == 0)
            {
                var perSecond = (long)done * steps / clock.Elapsed.TotalSeconds;
                var eta = (seeds.Count - done) * steps / Math.Max(perSecond, 1);
                Console.WriteLine($"datagen: {done}/{seeds.Count} episodes, {done * (long)steps} frames, {perSecond:F0} frames/s, ETA {eta:F0}s");
            }
        }
        writer.WriteIndex();
        Console.WriteLine($"datagen: wrote {seeds.Count} episodes x {steps} steps to {Path.GetFullPath(output)}");
        return 0;
    }

    /// <summary>When each step's view goes out of date as a memory: the server's rule (<see cref="ChangeSight"/>) on the true poses.</summary>
    private static long[] StaleFrom(IReadOnlyList<AgentPose> path, IReadOnlyList<int> changes)
    {
        var poses = path.Select(ReferenceTrajectory.ToPose).ToList();
        return [.. ChangeSight.StaleFrom(poses, [.. changes.Select(c => (c, poses[c]))], new MemoryPolicy()).Select(s => (long)s)];
    }
}
