using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld.Shards;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Models;

/// <summary>
/// ./worldweb token-prior --model DIR [--frames 48000] [--worlds 8] [--seed 101] [--json OUT]: plays the model's own
/// worlds (memory on, actions held 5–25 steps, as <c>bench memory</c> plays, under other noise and starts), counts which
/// codebook patch follows which (<see cref="TokenPriorBuilder"/>), fits the weights on one world held out, then writes
/// <c>token_prior.npy</c> into the package and names it in world.json (<c>sampler.token_prior_file</c>), so that the
/// server context-codes the package's memory frames.
/// </summary>
public static class TokenPriorCommand
{
    private const string FileName = "token_prior.npy";

    public static int Run(CommandArgs args)
    {
        var folder = args.RequiredText("model");
        var frames = args.Int("frames", 48_000);
        var worlds = args.Int("worlds", 8);
        var seed = args.Int("seed", 101);
        var jsonPath = args.Text("json");
        var inference = InferenceArgs.Read(args);
        args.EnsureAllRead();
        if (worlds < 2 || frames < worlds * 10)
        {
            throw new UsageException("--worlds must be at least 2 (one is held out to fit the weights) and --frames at least 10 per world.");
        }

        using var package = PackageOpener.Open(folder, inference, NullLogger.Instance);
        var codebook = package.Codebook ?? throw new UsageException($"{folder} carries no codebook (sampler.codebook_file): a token prior scores codebook patches.");
        if (codebook.Count > TokenPrior.MaxPatches)
        {
            throw new UsageException($"{folder}'s codebook holds {codebook.Count} patches; a token prior scores at most {TokenPrior.MaxPatches}.");
        }
        var manifest = package.Manifest;
        var builder = new TokenPriorBuilder(codebook, manifest.Frame.Width, manifest.Frame.Height);
        var clock = Stopwatch.StartNew();
        var heldOut = 0;
        Play(package, worlds, frames / worlds, seed, (world, rgb) =>
        {
            // World 0 is held out: the weights are chosen by how well they code a world that was not counted. Every
            // fourth of its frames is enough (neighbouring frames are much alike) and keeps the fitting short.
            if (world != 0) builder.Count(rgb);
            else if (heldOut++ % 4 == 0) builder.HoldOut(rgb);
        });
        Console.Error.WriteLine($"token-prior: fitting the weights on {builder.HeldOut} held-out frames…");
        var fit = builder.Build();
        NpyWriter.Write(Path.Combine(folder, FileName), fit.Prior.Scores, 2, fit.Prior.Patches + 1, fit.Prior.Patches);
        NameInManifest(Path.Combine(folder, ModelManifest.FileName));

        var report = new
        {
            command = "token-prior",
            model = manifest.Name,
            version = manifest.Version,
            file = FileName,
            frames_counted = fit.FramesCounted,
            frames_held_out = fit.FramesHeldOut,
            weight = fit.Weight,
            shared_weight = fit.SharedWeight,
            smoothing = fit.Smoothing,
            held_out_bits_per_patch = Math.Round(fit.BitsPerPatch, 3),
            held_out_bits_per_patch_packed_or_deflated = Math.Round(fit.DeflatedBitsPerPatch, 3),
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        Console.Error.WriteLine($"token-prior: wrote {Path.Combine(folder, FileName)}; memory frames of this model are now context-coded " +
            $"({fit.BitsPerPatch:F2} bits per patch held out, {fit.DeflatedBitsPerPatch:F2} packed or deflated).");
        return 0;
    }

    /// <summary>
    /// <paramref name="worlds"/> worlds in one batch for <paramref name="steps"/> steps each, memory on, each frame handed
    /// to <paramref name="frame"/> with its world's number.
    /// </summary>
    private static void Play(ModelPackage package, int worlds, int steps, int seed, Action<int, byte[]> frame)
    {
        var manifest = package.Manifest;
        using var model = package.CreateWorldModel();
        using var batch = model.CreateBatch(worlds);
        var frames = MemoryFormatArgs.Frames(new MemoryPolicy(), package);
        var values = manifest.Frame.ValueCount;
        var poseTracking = PoseTracking.Of(manifest);
        var random = new Random(seed);
        var players = Enumerable.Range(0, worlds).Select(w => new Player(
            package.Start((seed + w) % package.StartCount).ToArray().Chunk(values).ToList(),
            new WorldMemory(new MemoryPolicy(), frames), new MemoryFeed(manifest.MemorySlots, manifest.ContextFrames))
            { Pose = package.StartPose((seed + w) % package.StartCount) }).ToArray();
        var clock = Stopwatch.StartNew();
        for (long s = 1; s <= steps; s++)
        {
            batch.Clear();
            foreach (var player in players)
            {
                if (player.Hold-- <= 0) (player.Action, player.Hold) = (random.Next(manifest.Actions.Count), random.Next(5, 26));
                var row = batch.AddRow();
                batch.SetContext(row, player.Context);
                batch.SetAction(row, player.Action);
                batch.SetViewPose(row, player.Pose);
                WorldNoise.Fill((ulong)(seed * 1000 + row), s, batch.Noise(row));
                player.Feed.Fill(batch, row, player.Memory, player.Pose, s);
            }
            model.Step(batch);
            for (var row = 0; row < worlds; row++)
            {
                var player = players[row];
                var rgb = new byte[values];
                FrameMath.ToRgb24(batch.Frame(row), rgb);
                player.Pose = poseTracking.Next(player.Pose, player.Action, batch.PoseDelta(row), player.Memory.Stood.Contains, rgb.AsSpan().SequenceEqual(player.Context[^1]));
                player.Context.RemoveAt(0);
                player.Context.Add(rgb);
                player.Memory.Remember(rgb, player.Pose, s);
                frame(row, rgb);
            }
            if (s % Math.Max(1, steps / 10) == 0)
            {
                Console.Error.WriteLine($"token-prior: {s * worlds:N0} of {steps * (long)worlds:N0} frames played ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
    }

    /// <summary>Sets <c>sampler.token_prior_file</c> in world.json, keeping everything else.</summary>
    private static void NameInManifest(string path)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest["sampler"]!["token_prior_file"] = FileName;
        File.WriteAllText(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private sealed class Player(List<byte[]> context, WorldMemory memory, MemoryFeed feed)
    {
        public List<byte[]> Context { get; } = context;
        public WorldMemory Memory { get; } = memory;
        public MemoryFeed Feed { get; } = feed;
        public Pose Pose { get; set; } = new(0, 0, 0);
        public int Action { get; set; }
        public int Hold { get; set; }
    }
}
