using System.ComponentModel.DataAnnotations;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.Stepping;

/// <summary>How a scheduler splits a tick's worlds. Bound from the <c>Stepping</c> section.</summary>
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

    /// <summary>The sub-batch count for a model on <paramref name="provider"/> whose runs use <paramref name="intraOpThreads"/> (0: all cores).</summary>
    public int SubBatchesFor(ExecutionProviderKind provider, int intraOpThreads) => SubBatches > 0 ? SubBatches
        : provider == ExecutionProviderKind.Cpu && intraOpThreads > 0 ? Math.Max(1, Environment.ProcessorCount / intraOpThreads)
        : 1;
}
