using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// Runs a pool graph from bindings made once per batch size and pool, over memory at fixed addresses
/// (<see cref="DeviceMemory"/>): on CUDA the session captures each as a CUDA graph on its first runs and then replays
/// it, one launch for the whole step instead of one or more per operator (docs/gpu.md, "CUDA graphs"). Each step
/// copies the batch's inputs into place and its outputs out; uploaded contexts are copied straight into their slots,
/// so the graph's own upload inputs stay fixed: zeros to the scratch slot.
/// </summary>
/// <remarks>On CPU the same bindings run uncaptured: the path the tests take.</remarks>
internal sealed class ReplayedPoolRun : IPoolRun
{
    private const string GraphIdKey = "gpu_graph_id";  // ONNX Runtime's run option naming the CUDA graph to capture or replay

    private readonly ContextPoolDevice _device;
    private readonly DeviceThread _thread;
    private readonly BatchLayout _layout;
    private readonly StepBuffers _buffers;
    private readonly DeviceMemory _memory;
    private readonly int _slots;
    private readonly Blocks _at;
    private readonly Dictionary<(int Rows, int Input), Replay> _replays = [];
    private int _input;  // _at.Pools[_input] is the next step's input pool, the other its output

    public ReplayedPoolRun(ContextPoolDevice device, BatchLayout layout, StepBuffers buffers, int slots)
    {
        _device = device;
        _thread = device.Thread!;
        _layout = layout;
        _buffers = buffers;
        _slots = slots;
        DeviceMemory memory = DeviceMemory.For(device.CudaDevice);
        Blocks? at = null;
        try
        {
            _thread.Invoke(() => at = Allocate(memory, layout, buffers, slots));
        }
        catch
        {
            _thread.Invoke(memory.Dispose);
            throw;
        }
        _memory = memory;
        _at = at!;
    }

    public void Run(RunOptions options, StepTensors tensors, PoolStep step) => _thread.Invoke(() => Step(step));

    public void Dispose() => _thread.Invoke(() =>
    {
        foreach (Replay replay in _replays.Values)
        {
            replay.Dispose();
        }
        _memory.Dispose();
    });

    private void Step(PoolStep step)
    {
        int rows = step.Rows, context = _layout.ContextFloats;
        for (int i = 0; i < step.UploadCount; i++)
        {
            _memory.Upload(step.Uploads, i * context, context, _at.Pools[_input], step.UploadSlots[i] * context);
        }
        _memory.Upload(step.Slots, 0, rows, _at.Rows);
        _memory.Upload(_buffers.Action, 0, rows, _at.Action);
        if (_layout.HasMemoryInputs)
        {
            _memory.Upload(_buffers.MemoryRgb, 0, rows * _layout.MemoryFloats, _at.MemoryFrames);
            _memory.Upload(_buffers.MemoryPose, 0, rows * _layout.MemoryPoseFloats, _at.MemoryPose);
        }
        _memory.Upload(_buffers.Noise, 0, rows * _layout.FrameFloats, _at.Noise);
        if (_layout.TakesViewPose)
        {
            _memory.Upload(_buffers.ViewPose, 0, rows * BatchLayout.ViewPoseFloats, _at.ViewPose);
        }
        _memory.Synchronize();

        Replay replay = ReplayFor(rows);
        _device.Session.RunWithBinding(replay.Options, replay.Binding);
        replay.Binding.SynchronizeBoundOutputs();
        _memory.Synchronize();  // ONNX Runtime computes on a stream of its own

        _memory.Download(_at.Frame, _buffers.Frame, rows * _layout.FrameFloats);
        _memory.Download(_at.PoseDelta, _buffers.PoseDelta, rows * BatchLayout.PoseDeltaFloats);
        _input ^= 1;
    }

    /// <summary>The batch's blocks, and the host buffers copied to and from them locked for direct copies.</summary>
    private static Blocks Allocate(DeviceMemory memory, BatchLayout layout, StepBuffers buffers, int slots)
    {
        long rows = slots - 1;
        var at = new Blocks(
            [memory.Allocate(slots * (long)layout.ContextFloats), memory.Allocate(slots * (long)layout.ContextFloats)],
            Rows: memory.Allocate(rows * sizeof(long)),
            UploadRow: memory.Allocate(sizeof(long)),  // zero: the scratch slot
            Upload: memory.Allocate(layout.ContextFloats),
            Action: memory.Allocate(rows * sizeof(long)),
            MemoryFrames: memory.Allocate(rows * layout.MemoryFloats),
            MemoryPose: memory.Allocate(rows * layout.MemoryPoseFloats * sizeof(float)),
            Noise: memory.Allocate(rows * layout.FrameFloats * sizeof(float)),
            Frame: memory.Allocate(rows * layout.FrameFloats * sizeof(float)),
            PoseDelta: memory.Allocate(rows * BatchLayout.PoseDeltaFloats * sizeof(float)),
            ViewPose: memory.Allocate(rows * BatchLayout.ViewPoseFloats * sizeof(float)));
        memory.Lock(buffers.Action);
        memory.Lock(buffers.MemoryRgb);
        memory.Lock(buffers.MemoryPose);
        memory.Lock(buffers.Noise);
        memory.Lock(buffers.Frame);
        memory.Lock(buffers.PoseDelta);
        memory.Lock(buffers.ViewPose);  // empty, and so not locked, for a graph without one
        return at;
    }

    /// <summary>The binding of <paramref name="rows"/> rows from the current input pool, made on first use with a graph id of its own.</summary>
    private Replay ReplayFor(int rows)
    {
        if (_replays.TryGetValue((rows, _input), out Replay? replay))
        {
            return replay;
        }
        replay = new Replay(_device.Session.CreateIoBinding(), new RunOptions());
        try
        {
            int c = _layout.Channels, h = _layout.Height, w = _layout.Width, k = _layout.ContextFrames, m = _layout.MemorySlots;
            OrtValue Tensor(IntPtr block, TensorElementType type, int elementBytes, params long[] shape)
            {
                OrtValue value = _memory.Tensor(block, type, shape, elementBytes);
                replay.Values.Add(value);
                return value;
            }

            OrtIoBinding binding = replay.Binding;
            binding.BindInput(ContextPoolSpec.Pool, Tensor(_at.Pools[_input], TensorElementType.UInt8, 1, _slots, k, h, w, c));
            binding.BindInput(ContextPoolSpec.Rows, Tensor(_at.Rows, TensorElementType.Int64, sizeof(long), rows));
            binding.BindInput(ContextPoolSpec.UploadRows, Tensor(_at.UploadRow, TensorElementType.Int64, sizeof(long), 1));
            binding.BindInput(ContextPoolSpec.Uploads, Tensor(_at.Upload, TensorElementType.UInt8, 1, 1, k, h, w, c));
            OrtValue action = Tensor(_at.Action, TensorElementType.Int64, sizeof(long), rows);
            OrtValue noise = Tensor(_at.Noise, TensorElementType.Float, sizeof(float), rows, c, h, w);
            OrtValue[] memory = _layout.HasMemoryInputs
                ? [Tensor(_at.MemoryFrames, TensorElementType.UInt8, 1, rows, m, h, w, c), Tensor(_at.MemoryPose, TensorElementType.Float, sizeof(float), rows, m, 4)]
                : [];
            OrtValue[] viewPose = _layout.TakesViewPose
                ? [Tensor(_at.ViewPose, TensorElementType.Float, sizeof(float), rows, BatchLayout.ViewPoseFloats)]
                : [];
            OrtValue[] inputs = [action, .. memory, noise, .. viewPose];
            for (int i = 0; i < inputs.Length; i++)
            {
                binding.BindInput(_layout.InputNames[i + 1], inputs[i]);  // after the context, which the pool holds
            }
            binding.BindOutput(_layout.OutputNames[0], Tensor(_at.Frame, TensorElementType.Float, sizeof(float), rows, c, h, w));
            binding.BindOutput(_layout.OutputNames[1], Tensor(_at.PoseDelta, TensorElementType.Float, sizeof(float), rows, BatchLayout.PoseDeltaFloats));
            binding.BindOutput(ContextPoolSpec.PoolOut, Tensor(_at.Pools[_input ^ 1], TensorElementType.UInt8, 1, _slots, k, h, w, c));
            replay.Options.AddRunConfigEntry(GraphIdKey, _device.NextGraphId().ToString(CultureInfo.InvariantCulture));
        }
        catch
        {
            replay.Dispose();
            throw;
        }
        _replays.Add((rows, _input), replay);
        return replay;
    }

    private sealed record Blocks(IntPtr[] Pools, IntPtr Rows, IntPtr UploadRow, IntPtr Upload, IntPtr Action, IntPtr MemoryFrames,
        IntPtr MemoryPose, IntPtr Noise, IntPtr Frame, IntPtr PoseDelta, IntPtr ViewPose);

    private sealed class Replay(OrtIoBinding binding, RunOptions options) : IDisposable
    {
        public OrtIoBinding Binding => binding;

        public RunOptions Options => options;

        public List<OrtValue> Values { get; } = [];

        public void Dispose()
        {
            binding.Dispose();
            options.Dispose();
            Values.ForEach(value => value.Dispose());
        }
    }
}
