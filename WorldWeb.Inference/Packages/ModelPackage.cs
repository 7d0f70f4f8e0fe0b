using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
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
    private readonly InferenceSession? _poolSession;
    private readonly StartStates _starts;
    private readonly int _deviceId;
    private bool _disposed;

    private ModelPackage(string folder, ModelManifest manifest, StartStates starts, InferenceSession session, InferenceSession? poolSession,
        ExecutionProviderKind provider, InferenceOptions options)
    {
        Folder = folder;
        Manifest = manifest;
        _starts = starts;
        _session = session;
        _poolSession = poolSession;
        _deviceId = options.DeviceId;
        ExecutionProvider = provider;
        PadsBatches = options.PadsBatchesOn(provider);
    }

    public string Folder { get; }

    public ModelManifest Manifest { get; }

    /// <summary>The provider actually running the graph; CPU when CUDA was asked for but unavailable.</summary>
    public ExecutionProviderKind ExecutionProvider { get; }

    /// <summary>Whether its steps run on the batch's rows rounded up to a power of two (<see cref="BatchPadding"/>).</summary>
    public bool PadsBatches { get; }

    /// <summary>Whether its steps run the context pool graph, keeping contexts where the graph runs (<see cref="ContextPooling"/>).</summary>
    public bool PoolsContexts => _poolSession is not null;

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
        StartStates starts = StartStates.Load(Path.Combine(folder, manifest.Starts), manifest);
        string onnxPath = Path.Combine(folder, manifest.Onnx);
        if (!File.Exists(onnxPath))
        {
            throw new ModelPackageException(onnxPath, "the graph named by world.json's onnx does not exist");
        }

        (InferenceSession session, ExecutionProviderKind provider) = CreateSession(onnxPath, options, logger);
        InferenceSession? poolSession = null;
        try
        {
            string? mismatch = GraphSignature.FirstMismatch(session, manifest);
            if (mismatch is not null)
            {
                throw new ModelPackageException(onnxPath, mismatch);
            }
            if (manifest.ContextPool is not null && options.PoolsContextsOn(provider))
            {
                poolSession = LoadPool(folder, manifest, options, provider, logger);
            }
            var package = new ModelPackage(folder, manifest, starts, session, poolSession, provider, options);
            InferenceLog.PackageLoaded(logger, manifest.Name, manifest.Version, folder, provider,
                manifest.Frame.Width, manifest.Frame.Height, manifest.ContextFrames, manifest.MemorySlots, starts.Count,
                manifest.TakesRgb24Frames ? "8-bit RGB" : "float32", package.PadsBatches ? "padded to powers of two" : "unpadded",
                package.PoolsContexts ? $"kept in {manifest.ContextPool!.Onnx}'s pool" : "sent every step");
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

    /// <summary>A stepper over this package's shared session; dispose it before the package.</summary>
    public WorldModel CreateWorldModel()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new WorldModel(_session, Manifest, PadsBatches,
            _poolSession is null ? null : new ContextPoolDevice(_poolSession, ExecutionProvider == ExecutionProviderKind.Cuda ? _deviceId : null));
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _poolSession?.Dispose();
            _session.Dispose();
        }
    }

    private static InferenceSession LoadPool(string folder, ModelManifest manifest, InferenceOptions options, ExecutionProviderKind provider, ILogger logger)
    {
        string poolPath = Path.Combine(folder, manifest.ContextPool!.Onnx);
        if (!File.Exists(poolPath))
        {
            throw new ModelPackageException(poolPath, "the graph named by world.json's context_pool.onnx does not exist");
        }
        (InferenceSession pool, ExecutionProviderKind poolProvider) = CreateSession(poolPath, options, logger, provider);
        string? mismatch = poolProvider != provider ? $"the context pool graph runs on {poolProvider}, the model on {provider}"
            : GraphSignature.PoolMismatch(pool, manifest);
        if (mismatch is not null)
        {
            pool.Dispose();
            throw new ModelPackageException(poolPath, mismatch);
        }
        return pool;
    }

    private static (InferenceSession, ExecutionProviderKind) CreateSession(string onnxPath, InferenceOptions options, ILogger logger,
        ExecutionProviderKind? provider = null)
    {
        try
        {
            return OnnxSession.Create(onnxPath, options, logger, provider);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelPackageException(onnxPath, $"ONNX Runtime cannot load the graph: {ex.Message}", ex);
        }
    }
}
