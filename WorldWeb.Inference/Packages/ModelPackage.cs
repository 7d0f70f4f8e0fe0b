using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;

namespace WorldWeb.Inference.Packages;

/// <summary>
/// A loaded model package (docs/model-format.md): its manifest, start states and the one ONNX Runtime session
/// that every <see cref="WorldModel"/> of the package shares. Load either yields a package whose graph obeys
/// its manifest, or throws <see cref="ModelPackageException"/> and keeps nothing open.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ContextPoolDevice? _pool;
    private readonly StartStates _starts;
    private readonly FrameSnapper? _snapper;
    private bool _disposed;

    private ModelPackage(string folder, ModelManifest manifest, StartStates starts, PatchCodebook? codebook, TokenPrior? tokenPrior, InferenceSession session,
        InferenceSession? poolSession, bool replays, ExecutionProviderKind provider, Precision precision, InferenceOptions options, ILogger logger)
    {
        Precision = precision;
        Folder = folder;
        Manifest = manifest;
        _starts = starts;
        Codebook = codebook;
        TokenPrior = tokenPrior;
        _session = session;
        _pool = poolSession is null ? null
            : new ContextPoolDevice(poolSession, provider == ExecutionProviderKind.Cuda ? options.DeviceId : null, replays, manifest.Name, logger);
        ExecutionProvider = provider;
        PadsBatches = options.PadsBatchesOn(provider);
        _snapper = manifest.GraphsIn(precision)?.SnappedFrames == true
            ? new FrameSnapper(codebook!, manifest.Frame.Width, manifest.Frame.Height) : null;
    }

    public string Folder { get; }

    public ModelManifest Manifest { get; }

    /// <summary>The provider actually running the graph; CPU when CUDA was asked for but unavailable.</summary>
    public ExecutionProviderKind ExecutionProvider { get; }

    /// <summary>Which of its graphs runs: float32, half precision or int8 (<see cref="Runtime.Precision"/>); never Auto.</summary>
    public Precision Precision { get; }

    /// <summary>Whether its steps run on the batch's rows rounded up to a power of two (<see cref="BatchPadding"/>).</summary>
    public bool PadsBatches { get; }

    /// <summary>Whether its steps run the context pool graph, keeping contexts where the graph runs (<see cref="ContextPooling"/>).</summary>
    public bool PoolsContexts => _pool is { Failed: false };

    /// <summary>Whether its pooled steps run from fixed bindings: CUDA graphs on CUDA (<see cref="InferenceOptions.CudaGraphs"/>).</summary>
    public bool ReplaysSteps => _pool is { Failed: false, Replays: true };

    /// <summary>Where worlds' contexts are between steps, and how steps run, in words for logs and reports.</summary>
    public string Contexts => !PoolsContexts ? "sent every step"
        : !ReplaysSteps ? "kept in the pool graph"
        : ExecutionProvider == ExecutionProviderKind.Cuda ? "kept in the pool graph, steps replayed as CUDA graphs"
        : "kept in the pool graph, steps from fixed bindings (the CUDA graph path, uncaptured on CPU)";

    /// <summary>The patches a <c>codebook-tokens</c> model paints with, when the package names them (<c>sampler.codebook_file</c>).</summary>
    public PatchCodebook? Codebook { get; }

    /// <summary>How likely each patch is beside its neighbours, when the package carries it (<c>sampler.token_prior_file</c>).</summary>
    public TokenPrior? TokenPrior { get; }

    /// <summary>Number of start states N in starts.npy.</summary>
    public int StartCount => _starts.Count;

    /// <exception cref="ModelPackageException">The package breaks the contract; the message names file and problem.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static ModelPackage Load(string folder, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        if (!Directory.Exists(folder))
        {
            throw new ModelPackageException(folder, "the model package folder does not exist");
        }

        ModelManifest manifest = ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName));
        StartStates starts = StartStates.Load(folder, manifest);
        PatchCodebook? codebook = manifest.Sampler?.CodebookFile is { } codebookFile
            ? PatchCodebook.Load(Path.Combine(folder, codebookFile), manifest.Sampler) : null;
        TokenPrior? tokenPrior = manifest.Sampler?.TokenPriorFile is { } priorFile
            ? TokenPrior.Load(Path.Combine(folder, priorFile), codebook!.Count) : null;
        (InferenceSession session, ExecutionProviderKind provider, Precision precision) = OpenModel(folder, manifest, options, logger);
        InferenceSession? poolSession = null;
        try
        {
            string? poolFile = precision == Precision.Float ? manifest.ContextPool?.Onnx : manifest.GraphsIn(precision)!.ContextPool;
            bool replays = options.CudaGraphs;
            if (poolFile is not null && options.PoolsContextsOn(provider))
            {
                (poolSession, replays) = LoadPool(folder, poolFile, manifest, options, provider, logger);
            }
            else if (replays)
            {
                InferenceLog.CudaGraphsUnavailable(logger, manifest.Name, poolFile is null
                    ? "the package has no context pool graph (training/context_pool.py adds one)" : "its context pool graph is not in use (Inference:ContextPooling)");
            }
            var package = new ModelPackage(folder, manifest, starts, codebook, tokenPrior, session, poolSession, replays, provider, precision, options, logger);
            InferenceLog.PackageLoaded(logger, manifest.Name, manifest.Version, folder, provider, precision,
                manifest.Frame.Width, manifest.Frame.Height, manifest.ContextFrames, manifest.MemorySlots, starts.Count,
                manifest.TakesRgb24Frames ? "8-bit RGB" : "float32", package.PadsBatches ? "padded to powers of two" : "unpadded",
                package.Contexts);
            return package;
        }
        catch
        {
            poolSession?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>Start state <paramref name="index"/>: K frames of 8-bit RGB <c>[H, W, 3]</c> back to back, oldest first.</summary>
    public ReadOnlySpan<byte> Start(int index) => _starts.Of(index);

    /// <summary>Where start state <paramref name="index"/>'s last frame was seen from (world.json's start_poses), or (0, 0, 0).</summary>
    public Pose StartPose(int index) => _starts.PoseOf(index);

    /// <summary>A stepper over this package's shared session; dispose it before the package.</summary>
    /// <param name="runTimeout">How long one of its runs may take before it is terminated (<see cref="WorldModel.RunTimeout"/>).</param>
    public WorldModel CreateWorldModel(TimeSpan? runTimeout = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new WorldModel(_session, Manifest, PadsBatches, _pool, _snapper, runTimeout);
    }

    /// <summary>
    /// Ends ONNX Runtime's profile of the graph that steps (the pool graph when contexts are pooled) and returns the
    /// trace's path; only when the package was opened with <see cref="InferenceOptions.ProfilePrefix"/>.
    /// </summary>
    public string EndProfiling()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (PoolsContexts ? _pool!.Session : _session).EndProfiling();
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _pool?.Dispose();
            _session.Dispose();
        }
    }

    /// <summary>The model's session: the graph of the precision asked for (Auto: int8 on a CPU with int8 dot products where the package has one),
    /// else its float32 one.</summary>
    private static (InferenceSession, ExecutionProviderKind, Precision) OpenModel(string folder, ModelManifest manifest, InferenceOptions options, ILogger logger)
    {
        Precision precision = options.Precision;
        if (precision == Precision.Auto)
        {
            precision = options.ExecutionProvider == ExecutionProviderKind.Cpu && manifest.Int8 is not null && CpuFeatures.HasInt8DotProducts
                ? Precision.Int8 : Precision.Float;
        }
        else if (precision != Precision.Float && manifest.GraphsIn(precision) is null)
        {
            InferenceLog.PrecisionUnavailable(logger, manifest.Name, precision, precision == Precision.Half ? "training/half.py" : "training/int8.py");
            precision = Precision.Float;
        }
        string file = manifest.GraphsIn(precision)?.Onnx ?? manifest.Onnx;
        ExecutionProviderKind provider = ExecutionProviderKind.Cpu;
        InferenceSession session = CheckedGraph(folder, file,
            path =>
            {
                (InferenceSession created, provider) = OnnxSession.Create(path, options, logger);
                return created;
            },
            created => GraphSignature.FirstMismatch(created, manifest, file));
        return (session, provider, precision);
    }

    /// <summary>
    /// The context pool graph's session, on the model's provider, and whether its steps are replayed: on CUDA that
    /// takes a session capturing CUDA graphs, which ONNX Runtime refuses for a graph with any node off the GPU.
    /// </summary>
    private static (InferenceSession, bool Replays) LoadPool(string folder, string file, ModelManifest manifest, InferenceOptions options,
        ExecutionProviderKind provider, ILogger logger)
    {
        if (options.CudaGraphs && provider == ExecutionProviderKind.Cuda)
        {
            try
            {
                return (CheckedGraph(folder, file, path => OnnxSession.CreateCuda(path, options, capturesGraphs: true),
                    pool => GraphSignature.PoolMismatch(pool, manifest, file)), true);
            }
            catch (ModelPackageException ex) when (ex.InnerException is OnnxRuntimeException runtime)
            {
                InferenceLog.CudaGraphsUnavailable(logger, manifest.Name, OnnxSession.FirstLine(runtime.Message));
            }
        }
        return (LoadUncapturedPool(folder, file, manifest, options, provider, logger), options.CudaGraphs && provider == ExecutionProviderKind.Cpu);
    }

    private static InferenceSession LoadUncapturedPool(string folder, string file, ModelManifest manifest, InferenceOptions options,
        ExecutionProviderKind provider, ILogger logger)
    {
        ExecutionProviderKind poolProvider = provider;
        return CheckedGraph(folder, file,
            path =>
            {
                (InferenceSession created, poolProvider) = OnnxSession.Create(path, options, logger, provider);
                return created;
            },
            pool => poolProvider != provider ? $"the context pool graph runs on {poolProvider}, the model on {provider}"
                : GraphSignature.PoolMismatch(pool, manifest, file));
    }

    /// <summary>A session of one of the package's graphs, or a <see cref="ModelPackageException"/> naming the file and what is wrong.</summary>
    private static InferenceSession CheckedGraph(string folder, string file, Func<string, InferenceSession> create,
        Func<InferenceSession, string?> mismatch)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            throw new ModelPackageException(path, "the graph named by world.json does not exist");
        }
        InferenceSession session;
        try
        {
            session = create(path);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelPackageException(path, $"ONNX Runtime cannot load the graph: {ex.Message}", ex);
        }
        string? problem = mismatch(session);
        if (problem is not null)
        {
            session.Dispose();
            throw new ModelPackageException(path, problem);
        }
        return session;
    }
}
