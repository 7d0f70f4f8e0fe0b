using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Poses;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// The inputs and outputs of one batched <see cref="WorldModel.Step"/>, reused tick after tick: call
/// <see cref="Clear"/>, then <see cref="AddRow"/> per world due this tick and fill that row, then step and read
/// <see cref="Frame"/> and <see cref="PoseDelta"/> of each row. Rows are independent; row i's outputs depend
/// only on row i's inputs.
/// </summary>
/// <remarks>
/// Not thread-safe: one caller fills, steps and reads a batch at a time (a second concurrent
/// <see cref="WorldModel.Step"/> on the same batch throws). Use one batch per stepping thread.
/// </remarks>
public sealed class StepBatch : IDisposable
{
    private readonly BatchLayout _layout;
    private readonly StepBuffers _buffers;

    // ONNX values per batch size, created on first use: a server's batch sizes repeat, and a cached set turns
    // a step's set-up into an array lookup.
    private readonly StepTensors?[] _tensorsByRows;
    private int _stepping;
    private bool _disposed;

    /// <param name="rows">Rows the buffers hold: at least <paramref name="capacity"/>, more when steps are padded.</param>
    internal StepBatch(WorldModel owner, BatchLayout layout, int capacity, int rows, ContextPoolDevice? pool, FrameSnapper? snapper)
    {
        Owner = owner;
        _layout = layout;
        Capacity = capacity;
        _buffers = new StepBuffers(layout, rows, snapper);
        _tensorsByRows = new StepTensors?[rows + 1];
        Pool = pool is null || pool.Failed ? null : CreatePool(pool, rows);
    }

    internal WorldModel Owner { get; }

    /// <summary>Where its contexts are kept between steps, when its model pools them.</summary>
    internal ContextPool? Pool { get; }

    /// <summary>Contexts the last step sent to the device whole, when its model pools them: a world's first step or one after a rollback.</summary>
    public int UploadedContexts => Pool?.LastUploads ?? Count;

    public int Capacity { get; }

    /// <summary>Rows in use; the next step computes rows 0 … Count − 1 (and padding rows after them, when its model pads).</summary>
    public int Count { get; private set; }

    /// <summary>Rows the last step ran on: <see cref="Count"/>, or more when its model pads (<see cref="WorldModel.RowsFor"/>).</summary>
    public int SteppedRows { get; private set; }

    /// <summary>Empties the batch for the next tick; buffers are kept.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds a row whose inputs are all zero (action 0, empty memory) and returns its index.</summary>
    /// <exception cref="InvalidOperationException">The batch already holds <see cref="Capacity"/> rows.</exception>
    public int AddRow()
    {
        if (Count == Capacity)
        {
            throw new InvalidOperationException($"the batch is full ({Capacity} rows)");
        }
        _buffers.ClearInputs(Count);
        return Count++;
    }

    /// <summary>Writes a row's context, K frames of 8-bit RGB <c>[H, W, 3]</c> back to back, oldest first (a row of starts.npy).</summary>
    public void SetContext(int row, ReadOnlySpan<byte> rgbFrames)
    {
        int k = _layout.ContextFrames, n = _layout.FrameFloats;
        if (rgbFrames.Length != k * n)
        {
            throw new ArgumentException($"a context of this model holds {k} frames of {n} bytes, not {rgbFrames.Length} bytes", nameof(rgbFrames));
        }
        for (int frame = 0; frame < k; frame++)
        {
            SetContextFrame(row, frame, rgbFrames.Slice(frame * n, n));
        }
    }

    /// <summary>Writes a row's context from its K frames of 8-bit RGB <c>[H, W, 3]</c>, oldest first (a world's last K frames).</summary>
    public void SetContext(int row, IReadOnlyList<byte[]> rgbFrames)
    {
        if (rgbFrames.Count != _layout.ContextFrames)
        {
            throw new ArgumentException($"a context of this model holds {_layout.ContextFrames} frames, not {rgbFrames.Count}", nameof(rgbFrames));
        }
        for (int k = 0; k < rgbFrames.Count; k++)
        {
            SetContextFrame(row, k, rgbFrames[k]);
        }
    }

    /// <summary>Writes frame <paramref name="k"/> (0 is the oldest) of a row's context from 8-bit RGB <c>[H, W, 3]</c>.</summary>
    public void SetContextFrame(int row, int k, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, _layout.ContextFrames);
        _buffers.WriteContextFrame(CheckRow(row) * _layout.ContextFrames + k, rgb);
    }

    public void SetAction(int row, int action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(action, _layout.ActionCount);
        _buffers.Action[CheckRow(row)] = action;
    }

    /// <summary>Memory poses of a row, float <c>[M, 4]</c>: (forward, right, dheading, valid) per slot.</summary>
    public Span<float> MemoryPose(int row) => _buffers.MemoryPoseRow(CheckRow(row));

    /// <summary>Puts a remembered frame (8-bit RGB <c>[H, W, 3]</c>) in a memory slot, with its pose relative to the row's previous pose.</summary>
    public void SetMemory(int row, int slot, ReadOnlySpan<byte> rgb, RelativePose pose)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, _layout.MemorySlots);
        _buffers.WriteMemoryFrame(CheckRow(row) * _layout.MemorySlots + slot, rgb);
        Span<float> slotPose = MemoryPose(row).Slice(slot * 4, 4);
        slotPose[0] = (float)pose.Forward;
        slotPose[1] = (float)pose.Right;
        slotPose[2] = (float)pose.DHeading;
        slotPose[3] = 1f;
    }

    /// <summary>
    /// The tracked pose a row's last context frame was seen from, for a graph that reads where the player stands
    /// (<see cref="WorldWeb.Inference.Packages.ModelManifest.TakesViewPose"/>); others ignore it.
    /// </summary>
    public void SetViewPose(int row, Pose pose)
    {
        Span<float> values = _buffers.ViewPoseRow(CheckRow(row));
        if (values.IsEmpty)
        {
            return;
        }
        values[0] = (float)pose.X;
        values[1] = (float)pose.Y;
        values[2] = (float)pose.Heading;
    }

    /// <summary>Noise of a row, float <c>[3, H, W]</c>; fill it with <see cref="WorldWeb.Inference.Noise.WorldNoise.Fill"/>.</summary>
    public Span<float> Noise(int row) => _buffers.NoiseRow(CheckRow(row));

    /// <summary>The frame the last step generated for a row, float <c>[3, H, W]</c> in [0, 1].</summary>
    public ReadOnlySpan<float> Frame(int row) => _buffers.FrameRow(CheckRow(row));

    /// <summary>The pose change the last step produced for a row: (forward, right, dheading).</summary>
    public ReadOnlySpan<float> PoseDelta(int row) => _buffers.PoseDeltaRow(CheckRow(row));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (StepTensors? tensors in _tensorsByRows)
        {
            tensors?.Dispose();
        }
        Pool?.Dispose();
    }

    // As a pool graph that fails to run (WorldModel.Step), pools that cannot be allocated on the device leave the
    // batch stepping the plain graph.
    private ContextPool? CreatePool(ContextPoolDevice pool, int rows)
    {
        try
        {
            return new ContextPool(pool, _layout, _buffers, rows);
        }
        catch (Exception ex) when (ContextPoolDevice.IsPoolFailure(ex))
        {
            pool.Fail(ex);
            return null;
        }
    }

    internal StepTensors EnterStep(int rows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _stepping, 1) != 0)
        {
            throw new InvalidOperationException("the batch is already being stepped on another thread");
        }
        SteppedRows = rows;
        return _tensorsByRows[rows] ??= StepTensors.Create(_layout, _buffers, rows);
    }

    internal void ExitStep() => Volatile.Write(ref _stepping, 0);

    private int CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"the batch has {Count} rows");
        }
        return row;
    }
}
