using System.ComponentModel.DataAnnotations;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.Stepping;

/// <summary>How a scheduler splits a tick's worlds, and how it bears a model that fails. Bound from the <c>Stepping</c> section.</summary>
public sealed class SteppingOptions
{
    public const string SectionName = "Stepping";

    /// <summary>
    /// Sub-batches a tick's worlds are split into, stepped at the same time; 0 chooses: on CPU as many as the cores
    /// hold runs of <c>Inference:IntraOpThreads</c> threads (the server's default is one thread per run: this network
    /// hardly speeds up with intra-op threads, while independent runs do; docs/server.md, "Scaling a tick"), on CUDA one.
    /// </summary>
    [Range(0, 256)]
    public int SubBatches { get; set; }

    /// <summary>
    /// How long one batched run may take before ONNX Runtime is told to terminate it; the tick then fails like any
    /// other. Generous: a run of the shipped model takes milliseconds, a first run on a GPU a few seconds.
    /// </summary>
    [Range(0.01, 3600)]
    public double RunTimeoutSeconds { get; set; } = 10;

    /// <summary>Ticks of a model that may fail in a row before its worlds are paused and it is retried with back-off.</summary>
    [Range(1, 10_000)]
    public int FailedTicksToPause { get; set; } = 5;

    /// <summary>The first wait before a paused model is tried again; each failed retry doubles it, up to <see cref="RetryAtMostSeconds"/>.</summary>
    [Range(0.01, 3600)]
    public double RetryAfterSeconds { get; set; } = 1;

    [Range(0.01, 86_400)]
    public double RetryAtMostSeconds { get; set; } = 60;

    /// <summary>The sub-batch count for a model on <paramref name="provider"/> whose runs use <paramref name="intraOpThreads"/> (0: all cores).</summary>
    public int SubBatchesFor(ExecutionProviderKind provider, int intraOpThreads) => SubBatches > 0 ? SubBatches
        : provider == ExecutionProviderKind.Cpu && intraOpThreads > 0 ? Math.Max(1, Environment.ProcessorCount / intraOpThreads)
        : 1;
}
