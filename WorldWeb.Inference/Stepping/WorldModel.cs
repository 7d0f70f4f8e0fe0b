using Microsoft.ML.OnnxRuntime;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// Generates the next frame of many worlds in one ONNX Runtime call over the package's shared session.
/// </summary>
/// <remarks>
/// Meant for one stepping loop: call <see cref="Step"/> from one thread at a time. (ONNX Runtime would run
/// concurrent calls with different batches, but they would only compete for the same cores.)
/// </remarks>
public sealed class WorldModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BatchLayout _layout;
    private readonly RunOptions _runOptions = new();
    private readonly bool _padsBatches;
    private readonly ContextPoolDevice? _pool;
    private readonly FrameSnapper? _snapper;
    private bool _disposed;

    internal WorldModel(InferenceSession session, ModelManifest manifest, bool padsBatches, ContextPoolDevice? pool, FrameSnapper? snapper,
        TimeSpan? runTimeout = null)
    {
        RunTimeout = runTimeout;
        _session = session;
        Manifest = manifest;
        _layout = new BatchLayout(manifest);
        _padsBatches = padsBatches;
        _pool = pool;
        _snapper = snapper;
    }

    public ModelManifest Manifest { get; }

    /// <summary>
    /// How long one <see cref="Step"/> may run before ONNX Runtime is told to terminate it; null: as long as it takes.
    /// A graph that hangs (a runaway loop, a wedged device) would otherwise hold its tick, and every world of the model, for ever.
    /// </summary>
    public TimeSpan? RunTimeout { get; }

    /// <summary>The rows a step of <paramref name="count"/> worlds runs on: <paramref name="count"/>, or the next power of two when padding.</summary>
    public int RowsFor(int count) => _padsBatches && count > 1 ? (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count) : count;

    /// <summary>A reusable batch of up to <paramref name="capacity"/> rows for this model.</summary>
    public StepBatch CreateBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StepBatch(this, _layout, capacity, RowsFor(capacity), _pool, _snapper);
    }

    /// <summary>Steps every row of <paramref name="batch"/> in one run; the outputs land in the batch.</summary>
    /// <exception cref="OnnxRuntimeException">The graph failed while running.</exception>
    /// <exception cref="StepTimeoutException">The run outlasted <see cref="RunTimeout"/> and was terminated.</exception>
    public void Step(StepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(batch.Owner, this))
        {
            throw new ArgumentException("the batch was created by another WorldModel", nameof(batch));
        }
        if (batch.Count == 0)
        {
            return;
        }
        int rows = RowsFor(batch.Count);
        StepTensors tensors = batch.EnterStep(rows);
        try
        {
            using var deadline = new RunDeadline(_runOptions, RunTimeout);
            try
            {
                if (batch.Pool is { } pool && !_pool!.Failed && TryPooledStep(pool, tensors, batch.Count, rows, deadline))
                {
                    return;
                }
                _session.Run(_runOptions, _layout.InputNames, tensors.Inputs, _layout.OutputNames, tensors.Outputs);
            }
            catch (OnnxRuntimeException ex) when (deadline.Passed)
            {
                throw new StepTimeoutException(RunTimeout!.Value, ex);
            }
        }
        finally
        {
            batch.ExitStep();
        }
    }

    // A pool graph that fails to run (it is the newer, less travelled path on a GPU) must not take the worlds with it:
    // the batch holds every row's context as for the plain graph, so the plain graph steps the same frames, from now on.
    // A pooled run terminated for its time is the model's fault, not the pool graph's: it does not fall back.
    private bool TryPooledStep(ContextPool pool, StepTensors tensors, int count, int rows, RunDeadline deadline)
    {
        try
        {
            pool.Step(_runOptions, tensors, count, rows);
            return true;
        }
        catch (Exception ex) when (ContextPoolDevice.IsPoolFailure(ex) && !deadline.Passed)
        {
            _pool!.Fail(ex);
            return false;
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _runOptions.Dispose();
        }
    }
}
