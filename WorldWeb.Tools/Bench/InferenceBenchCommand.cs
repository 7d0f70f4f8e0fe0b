using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Bench;

/// <summary>./worldweb bench inference: batched step throughput and latency of a model package.</summary>
public static class InferenceBenchCommand
{
    public static int Run(CommandArgs args)
    {
        var modelDir = args.RequiredText("model");
        var batches = args.IntList("batch", [1, 8, 32]);
        var seconds = args.Double("seconds", 10);
        var threads = args.Int("threads", 0);
        var jsonPath = args.Text("json");
        var check = args.Flag("check");
        var profile = args.Text("profile");
        var options = InferenceArgs.Read(args, threads);
        args.EnsureAllRead();
        if (batches.Any(b => b < 1 || b > 1024)) throw new UsageException("--batch sizes must be within 1..1024.");
        if (profile is not null && batches.Count != 1) throw new UsageException("--profile takes one --batch size: a profile mixing sizes says nothing of either.");
        options.ProfilePrefix = profile;

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        using var package = PackageOpener.Open(modelDir, options, loggers.CreateLogger("bench"));
        using var model = package.CreateWorldModel();
        using var plainPackage = check ? PackageOpener.Open(modelDir, options.ForPlainGraph(), loggers.CreateLogger("bench")) : null;
        using var plainModel = plainPackage?.CreateWorldModel();
        var results = new List<object>();
        foreach (var size in batches)
        {
            var matchesPlain = plainModel is null ? null : PlainGraphCheck.Run(model, plainModel, size, (b, row) => Fill(b, package, row));
            using var batch = model.CreateBatch(size);
            var contexts = Enumerable.Range(0, size).Select(row => Fill(batch, package, row)).ToArray();
            // Warm-up: graph optimisation, allocation and CUDA graph capture (after a few plain runs of each graph) stay out of the numbers.
            for (var i = 0; i < 8; i++) StepAndFeedBack(model, batch, contexts);
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                times.Add(StepAndFeedBack(model, batch, contexts));
            }
            times.Sort();
            var stepsPerSecond = times.Count / (times.Sum() / 1000); // steps alone: the feeding back between them is not the model's
            results.Add(new
            {
                batch = size,
                stepped_rows = batch.SteppedRows,
                steps = times.Count,
                steps_per_s = Math.Round(stepsPerSecond, 2),
                frames_per_s = Math.Round(stepsPerSecond * size, 1),
                p50_ms = Math.Round(Percentile(times, 0.50), 2),
                p99_ms = Math.Round(Percentile(times, 0.99), 2),
                matches_plain = matchesPlain,
            });
            Console.Error.WriteLine($"bench: batch {size}: {stepsPerSecond * size:F1} frames/s, p50 {Percentile(times, 0.5):F1} ms");
        }
        var operators = profile is null ? null : Profiled(package);
        var report = new
        {
            benchmark = "inference",
            model = package.Manifest.Name,
            model_version = package.Manifest.Version,
            execution_provider = package.ExecutionProvider.ToString().ToLowerInvariant(),
            intra_op_threads = threads == 0 ? "default" : threads.ToString(),
            precision = package.Precision.ToString().ToLowerInvariant(),
            batch_padding = package.PadsBatches ? "powers-of-two" : "none",
            contexts = package.Contexts,
            cuda_graphs = package.ReplaysSteps && package.ExecutionProvider == ExecutionProviderKind.Cuda,
            cuda_options = package.ExecutionProvider == ExecutionProviderKind.Cuda ? options.Cuda.ProviderOptions(options.DeviceId) : null,
            processor_count = Environment.ProcessorCount,
            cpu = CpuFeatures.Name,
            seconds_per_batch_size = seconds,
            results,
            profile = operators,
        };
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }

    /// <summary>Ends the package's profile and says where a step's time went, largest first (stderr: the top ten).</summary>
    private static object Profiled(ModelPackage package)
    {
        string trace = package.EndProfiling();
        var (runs, runMs, operators) = OperatorProfile.Read(trace);
        Console.Error.WriteLine($"bench: profile of {runs} runs, {runMs:F2} ms each (profiled), in {trace}:");
        foreach (var op in operators.Take(10))
            Console.Error.WriteLine($"bench:   {op.Op,-28} {op.Nodes,3} nodes {op.MsPerStep,8:F3} ms/step {op.Share,7:P1}");
        return new
        {
            trace,
            runs,
            run_ms = runMs,
            operators = operators.Select(o => new { op = o.Op, nodes = o.Nodes, ms_per_step = o.MsPerStep, share = o.Share }),
        };
    }

    /// <summary>
    /// Times one step, then feeds each row's new frame back into its context as a server does (untimed): a pooled
    /// model then finds every context in its pool, as it would in play.
    /// </summary>
    private static double StepAndFeedBack(WorldModel model, StepBatch batch, List<byte[]>[] contexts)
    {
        var start = Stopwatch.GetTimestamp();
        model.Step(batch);
        var milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        for (var row = 0; row < contexts.Length; row++)
        {
            var frame = new byte[batch.Frame(row).Length];
            FrameMath.ToRgb24(batch.Frame(row), frame);
            contexts[row].RemoveAt(0);
            contexts[row].Add(frame);
            batch.SetContext(row, contexts[row]);
        }
        return milliseconds;
    }

    /// <summary>A realistic row: a start context, a moving action, noise, and every memory slot in use; returns its context.</summary>
    private static List<byte[]> Fill(StepBatch batch, ModelPackage package, int seed)
    {
        var row = batch.AddRow();
        var start = package.Start(seed % package.StartCount);
        batch.SetContext(row, start);
        batch.SetAction(row, Math.Min(1, package.Manifest.Actions.Count - 1));
        WorldNoise.Fill((ulong)seed, 1, batch.Noise(row));
        var last = start[^package.Manifest.Frame.ValueCount..];
        for (var slot = 0; slot < package.Manifest.MemorySlots; slot++)
            batch.SetMemory(row, slot, last, new RelativePose(0.5 * slot, 0, 0));
        return [.. start.ToArray().Chunk(package.Manifest.Frame.ValueCount)];
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
