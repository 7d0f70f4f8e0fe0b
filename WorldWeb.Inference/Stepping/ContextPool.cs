using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// A package's context pool graph: its session, where pools live (CUDA device memory, or host memory when
/// <see cref="CudaDevice"/> is null), whether its steps are replayed from fixed bindings (<see cref="ReplayedPoolRun"/>),
/// and whether it has failed to run, after which every batch steps the plain graph.
/// </summary>
internal sealed class ContextPoolDevice(InferenceSession session, int? cudaDevice, bool replays, string modelName, ILogger logger) : IDisposable
{
    private int _failed, _graphs;

    public InferenceSession Session => session;

    public int? CudaDevice => cudaDevice;

    /// <summary>Whether steps run from bindings made once per batch size, which the session captures as CUDA graphs on CUDA.</summary>
    public bool Replays => replays;

    /// <summary>Where replayed steps make their CUDA calls, one at a time (<see cref="DeviceThread"/> says why); null unless <see cref="Replays"/>.</summary>
    public DeviceThread? Thread { get; } = replays ? new DeviceThread($"{modelName} steps") : null;

    public bool Failed => Volatile.Read(ref _failed) != 0;

    /// <summary>A graph id no other binding of this session has (ONNX Runtime's <c>gpu_graph_id</c>).</summary>
    public int NextGraphId() => Interlocked.Increment(ref _graphs);

    /// <summary>Whether <paramref name="ex"/> is a failure of the pool's own path, which the plain graph can take over from.</summary>
    public static bool IsPoolFailure(Exception ex) =>
        ex is OnnxRuntimeException or CudaException or DllNotFoundException or EntryPointNotFoundException;

    public void Fail(Exception ex)
    {
        if (Interlocked.Exchange(ref _failed, 1) == 0)
        {
            InferenceLog.ContextPoolFailed(logger, modelName, OnnxSession.FirstLine(ex.Message));
        }
    }

    public void Dispose()
    {
        Thread?.Dispose();
        session.Dispose();
    }
}

/// <summary>
/// A batch's contexts kept where the graph runs, between steps (docs/gpu.md, "Contexts kept on the device"): the
/// context pool graph takes a pool of contexts, the slot of each row and the contexts to upload first, and gives the
/// pool back with each row's context shifted by its new frame. Two pools take turns as input and output.
/// </summary>
/// <remarks>
/// Rows are filled as for the plain graph (<see cref="StepBatch.SetContext(int, IReadOnlyList{byte[]})"/>) and the
/// pool finds each row's slot itself: it keeps a host copy of what every slot holds, made after each step from the
/// row's context and its new frame quantized as <see cref="FrameMath.ToRgb24"/> does (the graph quantizes the same
/// way), and a row steps from a slot only when that copy equals the row's context byte for byte. Any other row
/// (a world that joined, rolled back, or moved to another batch) is uploaded. So no caller tracks slots, and a
/// pooled step is the plain step bit for bit. Slot 0 is scratch, for padding rows. How a step runs is the
/// <see cref="IPoolRun"/>'s business.
/// </remarks>
internal sealed class ContextPool : IDisposable
{
    public const int Scratch = 0;

    private readonly BatchLayout _layout;
    private readonly StepBuffers _buffers;
    private readonly int _contextBytes, _slots;
    private readonly IPoolRun _run;

    // What each slot holds, as of the last step; a slot's signature is in _slotBySignature while its copy is valid.
    private readonly byte[] _held;
    private readonly ulong?[] _signature;
    private readonly long[] _lastUsed;
    private readonly Dictionary<ulong, int> _slotBySignature = [];
    private long _step;

    private readonly long[] _rows;
    private readonly long[] _uploadRows;
    private readonly byte[] _uploads;

    public ContextPool(ContextPoolDevice device, BatchLayout layout, StepBuffers buffers, int rows)
    {
        _layout = layout;
        _buffers = buffers;
        _contextBytes = layout.ContextFloats;
        _slots = rows + 1;
        _run = device.Replays ? new ReplayedPoolRun(device, layout, buffers, _slots) : new BoundPoolRun(device, layout, _slots);
        _held = new byte[_slots * _contextBytes];
        _signature = new ulong?[_slots];
        _lastUsed = new long[_slots];
        _rows = Pinned<long>(rows);
        _uploadRows = Pinned<long>(rows + 1);
        _uploads = Pinned<byte>((rows + 1) * _contextBytes);
    }

    /// <summary>Rows uploaded by the last step.</summary>
    public int LastUploads { get; private set; }

    /// <summary>Steps rows 0 … <paramref name="count"/> − 1 of the batch, run on <paramref name="rows"/> rows.</summary>
    public void Step(RunOptions options, StepTensors tensors, int count, int rows)
    {
        _step++;
        int uploads = 0;
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<byte> context = Context(row);
            int slot = Find(context);
            if (slot < 0)
            {
                slot = Free();
                context.CopyTo(_uploads.AsSpan(uploads * _contextBytes, _contextBytes));
                _uploadRows[uploads++] = slot;
            }
            _lastUsed[slot] = _step;
            _rows[row] = slot;
        }
        _rows.AsSpan(count, rows - count).Fill(Scratch);
        LastUploads = uploads;

        _run.Run(options, tensors, new PoolStep(_rows, rows, _uploadRows, _uploads, uploads));
        for (int row = 0; row < count; row++)
        {
            Hold((int)_rows[row], Context(row), _buffers.FrameRow(row));
        }
    }

    public void Dispose() => _run.Dispose();

    private ReadOnlySpan<byte> Context(int row) => _buffers.ContextRgb.AsSpan(row * _contextBytes, _contextBytes);

    private Span<byte> Held(int slot) => _held.AsSpan(slot * _contextBytes, _contextBytes);

    /// <summary>The slot holding exactly <paramref name="context"/> and not taken by another row this step, or −1.</summary>
    private int Find(ReadOnlySpan<byte> context) =>
        _slotBySignature.TryGetValue(Signature(context), out int slot) && _lastUsed[slot] != _step && Held(slot).SequenceEqual(context)
            ? slot : -1;

    /// <summary>The least recently used slot no row has taken this step; forgets what it held.</summary>
    private int Free()
    {
        int free = -1;
        for (int slot = 1; slot < _slots; slot++)
        {
            if (_lastUsed[slot] != _step && (free < 0 || _lastUsed[slot] < _lastUsed[free]))
            {
                free = slot;
            }
        }
        Forget(free);  // there is always one: a batch has fewer rows than slots
        return free;
    }

    /// <summary>Records what the graph left in <paramref name="slot"/>: the row's context shifted by its new frame.</summary>
    private void Hold(int slot, ReadOnlySpan<byte> context, ReadOnlySpan<float> frame)
    {
        Forget(slot);
        Span<byte> held = Held(slot);
        int frameBytes = _layout.FrameFloats;
        context[frameBytes..].CopyTo(held);
        FrameMath.ToRgb24(frame, held[^frameBytes..]);
        ulong signature = Signature(held);
        _signature[slot] = signature;
        _slotBySignature[signature] = slot;  // a slot that held the same bytes is no longer found, and is freed in time
    }

    private void Forget(int slot)
    {
        if (_signature[slot] is ulong signature && _slotBySignature.TryGetValue(signature, out int found) && found == slot)
        {
            _slotBySignature.Remove(signature);
        }
        _signature[slot] = null;
    }

    // Only finds a candidate slot, which Find then compares byte for byte: every 8th word (FNV-1a) is plenty.
    private static ulong Signature(ReadOnlySpan<byte> context)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(context);
        ulong hash = 14695981039346656037UL;
        for (int i = 0; i < words.Length; i += 8)
        {
            hash = (hash ^ words[i]) * 1099511628211UL;
        }
        return hash;
    }

    internal static T[] Pinned<T>(int length) => GC.AllocateArray<T>(length, pinned: true);
}
