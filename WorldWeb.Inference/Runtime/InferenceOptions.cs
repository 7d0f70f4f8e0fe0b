using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Inference.Runtime;

/// <summary>How a model package's ONNX session is created. Bound from the <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    [EnumDataType(typeof(ExecutionProviderKind))]
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>CUDA device ordinal; ignored on CPU.</summary>
    [Range(0, 63)]
    public int DeviceId { get; set; }

    /// <summary>Threads for one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    [EnumDataType(typeof(GraphOptimization))]
    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>Rows of a step rounded up to a power of two (<see cref="Runtime.BatchPadding"/> says why).</summary>
    [EnumDataType(typeof(BatchPadding))]
    public BatchPadding BatchPadding { get; set; } = BatchPadding.Auto;

    /// <summary>Contexts kept where the graph runs (<see cref="Runtime.ContextPooling"/> says when it pays).</summary>
    [EnumDataType(typeof(ContextPooling))]
    public ContextPooling ContextPooling { get; set; } = ContextPooling.Auto;

    /// <summary>Float32, or the package's half-precision or int8 graph where it has one; Auto: int8 on CPU (<see cref="Runtime.Precision"/>).</summary>
    [EnumDataType(typeof(Precision))]
    public Precision Precision { get; set; } = Precision.Auto;

    /// <summary>
    /// Pooled steps replayed as CUDA graphs: bound once per batch size at fixed device addresses, captured on their first
    /// runs and then launched whole (docs/gpu.md, "CUDA graphs"). Needs the context pool graph in use and padded
    /// batches (every batch size is a graph of its own). On CPU the same fixed bindings run uncaptured, which is how
    /// the tests run this path; nothing is gained there.
    /// </summary>
    public bool CudaGraphs { get; set; }

    public CudaOptions Cuda { get; set; } = new();

    /// <summary>
    /// Where ONNX Runtime writes its per-operator profile of the stepping graph (a Chrome trace, the path's stem; null:
    /// no profile). For benchmarks (<c>bench inference --profile</c>): the profiler holds every event until the session
    /// ends, and costs a few percent of each step.
    /// </summary>
    public string? ProfilePrefix { get; set; }

    /// <summary>Whether steps on <paramref name="provider"/> (the one actually running the graph) are padded.</summary>
    public bool PadsBatchesOn(ExecutionProviderKind provider) =>
        BatchPadding == BatchPadding.PowersOfTwo || (BatchPadding == BatchPadding.Auto && (provider == ExecutionProviderKind.Cuda || CudaGraphs));

    /// <summary>Whether steps on <paramref name="provider"/> run the package's context pool graph, when it has one.</summary>
    public bool PoolsContextsOn(ExecutionProviderKind provider) =>
        ContextPooling == ContextPooling.On || (ContextPooling == ContextPooling.Auto && provider == ExecutionProviderKind.Cuda);

    /// <summary>These settings for the package's plain graph: no context pool, so no CUDA graphs either.</summary>
    public InferenceOptions ForPlainGraph()
    {
        var plain = (InferenceOptions)MemberwiseClone();
        plain.ContextPooling = ContextPooling.Off;
        plain.CudaGraphs = false;
        return plain;
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        Validator.ValidateObject(Cuda, new ValidationContext(Cuda), validateAllProperties: true);
        if (CudaGraphs && BatchPadding == BatchPadding.None)
        {
            throw new ValidationException($"{nameof(CudaGraphs)} needs padded batches ({nameof(BatchPadding)} Auto or PowersOfTwo): every batch size is a CUDA graph of its own");
        }
    }
}
