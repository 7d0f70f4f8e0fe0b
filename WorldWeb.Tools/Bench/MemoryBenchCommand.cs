using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tools.Bench;

/// <summary>
/// ./worldweb bench memory [--entries 10000] [--area 32] [--queries 20000] [--model DIR --minutes 1] [--memory-format F]
/// [--memory-quality Q] [--json OUT]: the tick-path cost of the server's memory (WorldWeb.Memory, default policy, frames
/// stored as <see cref="MemoryFormatArgs"/> says; tokens need the model's codebook) with a memory of N entries, and, with
/// a model, the bytes of memory one minute of play writes at the model's fps. The reference world's explorer
/// (true frames and poses, 20 fps) gives the bytes per minute of a player who keeps exploring, without painting and
/// with (each paint forgets the views of the spot, so the views after it are written again).
/// </summary>
public static class MemoryBenchCommand
{
    /// <summary>What a save holds for each place stood on (<see cref="StoodPlaces"/>): two float32.</summary>
    private const int StoodPlaceBytes = 8;

    public static int Run(CommandArgs args)
    {
        var entries = args.Int("entries", 10_000);
        var area = args.Double("area", 32);
        var queries = args.Int("queries", 20_000);
        var modelFolder = args.Text("model");
        var minutes = args.Double("minutes", 1);
        var jsonPath = args.Text("json");
        var policy = MemoryFormatArgs.Read(args);
        args.EnsureAllRead();

        using var package = modelFolder is null ? null : PackageOpener.Open(modelFolder, new InferenceOptions(), NullLogger.Instance);
        var frames = package is null ? MemoryFrames(policy) : MemoryFormatArgs.Frames(policy, package);
        var retrieval = Retrieval(entries, area, queries, policy, frames);
        var play = package is null ? null : Play(package, minutes, policy, frames);
        var explore = Explore(minutes, paints: false, policy, frames);
        var painting = Explore(minutes, paints: true, policy, frames);
        var json = JsonSerializer.Serialize(new { benchmark = "memory", policy, memory_format = frames.Description, retrieval, play_model = play, play_reference_world = explore, play_reference_world_painting = painting },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }

    /// <summary>Without a model, frames of the reference world's size and no codebook.</summary>
    private static MemoryFrameCodec MemoryFrames(MemoryPolicy policy)
    {
        try
        {
            return MemoryFrameCodec.For(policy, WorldOptions.Default.Width, WorldOptions.Default.Height, tokens: null);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{e.Message}: pass --model DIR.");
        }
    }

    /// <summary>A memory of <paramref name="count"/> entries spread over area×area cells; per step: recall, revisit lookup, write check.</summary>
    private static object Retrieval(int count, double area, int queries, MemoryPolicy defaults, MemoryFrameCodec memoryFrames)
    {
        const int slots = 2;
        var (width, height) = (memoryFrames.Width, memoryFrames.Height);
        var random = new Random(1);
        var frames = Enumerable.Range(0, 16).Select(_ => RandomFrame(random, width, height)).Select(f => memoryFrames.Encode(f)).ToArray();
        var stored = Enumerable.Range(0, count).Select(i =>
        {
            var encoded = frames[i % frames.Length];
            return new MemoryEntry(i + 1, new Pose(random.NextDouble() * area, random.NextDouble() * area, Angles.Wrap(random.NextDouble() * 2 * Math.PI)),
                encoded, memoryFrames.Decode(encoded), landmark: i % 50 == 0);
        }).ToList();
        var policy = new MemoryPolicy { MaxEntries = count, MaxBytes = long.MaxValue / 4, FrameFormat = defaults.FrameFormat, FrameQuality = defaults.FrameQuality };
        var memory = WorldMemory.Restore(policy, memoryFrames, new MemorySnapshot(count, stored.Select(e => new MemorySnapshot.Held(e.Step, 0)).ToArray()), stored);
        var into = new MemoryEntry?[slots];
        var floats = new float[width * height * 3];
        var current = RandomFrame(random, width, height);
        var recall = new List<double>(queries);
        var step = new List<double>(queries);
        int writes = 0, filled = 0;
        long now = count + 1000;
        var pose = new Pose(area / 2, area / 2, 0);
        for (var q = -1000; q < queries; q++)
        {
            if (q == 0)
            {
                // The first thousand steps warm up the JIT; they are not measured.
                (recall, step, writes, filled) = (new List<double>(queries), new List<double>(queries), 0, 0);
            }
            pose = Wander(random, pose, area);
            now++;
            var started = Stopwatch.GetTimestamp();
            var n = memory.Recall(pose, now - 8, into);
            recall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            // The rest of what a world does with memory each step: slots to floats, the revisit lookup, the write check.
            for (var s = 0; s < n; s++) FrameMath.FromRgb24(into[s]!.Rgb, floats);
            memory.RevisitOf(pose, now - policy.RevisitMinSteps);
            writes += memory.Remember(current, pose, now) is null ? 0 : 1;
            step.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            filled += n;
        }
        recall.Sort();
        step.Sort();
        return new
        {
            entries = memory.Entries.Count,
            area_cells = area,
            queries,
            mean_slots_filled = Math.Round((double)filled / queries, 2),
            recall_ms = new { p50 = Round(Percentile(recall, 0.5)), p99 = Round(Percentile(recall, 0.99)), max = Round(recall[^1]) },
            step_ms = new { p50 = Round(Percentile(step, 0.5)), p99 = Round(Percentile(step, 0.99)), max = Round(step[^1]), writes },
        };
    }

    /// <summary>A world played for <paramref name="minutes"/> at the model's fps: actions held for 5–25 steps, memory on.</summary>
    private static object Play(ModelPackage package, double minutes, MemoryPolicy policy, MemoryFrameCodec frames)
    {
        using var model = package.CreateWorldModel();
        using var batch = model.CreateBatch(1);
        var manifest = package.Manifest;
        var floats = manifest.Frame.ValueCount;
        var memory = new WorldMemory(policy, frames);
        var feed = new MemoryFeed(manifest.MemorySlots, manifest.ContextFrames);
        var poseTracking = PoseTracking.Of(manifest);
        var context = package.Start(0).ToArray().Chunk(floats).ToList();
        var random = new Random(7);
        var pose = package.StartPose(0);
        var steps = (int)(minutes * 60 * manifest.Fps);
        long written = 0;
        var writeMs = new List<double>();
        var stored = new List<byte[]>();
        int writes = 0, action = 0, hold = 0;
        var clock = Stopwatch.StartNew();
        for (long s = 1; s <= steps; s++)
        {
            if (hold-- <= 0) (action, hold) = (random.Next(manifest.Actions.Count), random.Next(5, 26));
            batch.Clear();
            var row = batch.AddRow();
            batch.SetContext(row, context);
            batch.SetAction(row, action);
            batch.SetViewPose(row, pose);
            WorldNoise.Fill(3, s, batch.Noise(row));
            feed.Fill(batch, row, memory, pose, s);
            model.Step(batch);
            var rgb = new byte[floats];
            FrameMath.ToRgb24(batch.Frame(row), rgb);
            pose = poseTracking.Next(pose, action, batch.PoseDelta(row), memory.Stood.Contains, rgb.AsSpan().SequenceEqual(context[^1]));
            context.RemoveAt(0);
            context.Add(rgb);
            var started = Stopwatch.GetTimestamp();
            if (memory.Remember(rgb, pose, s) is { } entry)
            {
                // A write of the model's own frame: the policy's checks, then the frame encoded and decoded.
                writeMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                writes++;
                written += entry.Encoded.Length;
                stored.Add(entry.Encoded);
            }
        }
        writeMs.Sort();
        // What loading a world's memory costs per entry (a resume, a fork): each stored frame decoded.
        var decodeMs = stored.Select(encoded =>
        {
            var started = Stopwatch.GetTimestamp();
            frames.Decode(encoded);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }).Order().ToList();
        return new
        {
            model = manifest.Name,
            fps = manifest.Fps,
            steps,
            seconds = Round(clock.Elapsed.TotalSeconds),
            writes,
            bytes_written = written,
            bytes_per_minute = Math.Round(written / minutes),
            mean_entry_bytes = writes == 0 ? 0 : written / writes,
            raw_frame_bytes = floats,
            entries_held = memory.Entries.Count,
            bytes_held = memory.Bytes,
            stood_places = memory.Stood.Places.Count,
            stood_bytes_per_minute = Math.Round(StoodPlaceBytes * memory.Stood.Places.Count / minutes),
            distance_cells = Round(Math.Sqrt(pose.X * pose.X + pose.Y * pose.Y)),
            write_ms = writes == 0 ? null : new { p50 = Round(Percentile(writeMs, 0.5)), p99 = Round(Percentile(writeMs, 0.99)) },
            decode_ms = writes == 0 ? null : new { p50 = Round(Percentile(decodeMs, 0.5)), p99 = Round(Percentile(decodeMs, 0.99)) },
        };
    }

    /// <summary>
    /// The reference world's explorer walking the maze for <paramref name="minutes"/> at 20 fps, its frames and true
    /// poses remembered, its paints (with <paramref name="paints"/>) told to memory as the server tells it.
    /// </summary>
    private static object Explore(double minutes, bool paints, MemoryPolicy policy, MemoryFrameCodec frames)
    {
        var world = World.Create(3, WorldOptions.Default);
        var explorer = new Explorer(world, 3, paints);
        var memory = new WorldMemory(policy, frames);
        var steps = (int)(minutes * 60 * 20);
        long written = 0;
        int writes = 0, changes = 0, forgotten = 0;
        for (long s = 1; s <= steps; s++)
        {
            var at = ReferenceTrajectory.ToPose(world.Pose);
            if (world.Apply(explorer.Next()))
            {
                changes++;
                forgotten += memory.WorldChanged(at, s);
            }
            if (memory.Remember(world.Render(), ReferenceTrajectory.ToPose(world.Pose), s) is { } entry)
            {
                writes++;
                written += entry.Encoded.Length;
            }
        }
        return new
        {
            fps = 20,
            steps,
            writes,
            bytes_written = written,
            bytes_per_minute = Math.Round(written / minutes),
            mean_entry_bytes = writes == 0 ? 0 : written / writes,
            entries_held = memory.Entries.Count,
            bytes_held = memory.Bytes,
            stood_places = memory.Stood.Places.Count,
            stood_bytes_per_minute = Math.Round(StoodPlaceBytes * memory.Stood.Places.Count / minutes),
            changes,
            forgotten,
        };
    }

    private static Pose Wander(Random random, Pose pose, double area)
    {
        var heading = random.NextDouble() < 0.1 ? pose.Heading + (random.NextDouble() - 0.5) : pose.Heading;
        double x = pose.X + 0.1 * Math.Cos(heading), y = pose.Y + 0.1 * Math.Sin(heading);
        return x < 0 || y < 0 || x >= area || y >= area ? pose with { Heading = Angles.Wrap(heading + Math.PI) } : new Pose(x, y, Angles.Wrap(heading));
    }

    private static byte[] RandomFrame(Random random, int width, int height)
    {
        var frame = new byte[width * height * 3];
        random.NextBytes(frame);
        return frame;
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static double Round(double value) => Math.Round(value, 4);
}
