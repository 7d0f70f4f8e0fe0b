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
    private readonly BatchLayout _layout;
    private readonly StepBuffers _buffers;
    private readonly DeviceMemory _memory;
    private readonly int _slots;
    private readonly IntPtr[] _pools;  // _pools[_input] is the next step's input, the other its output
    private readonly IntPtr _rows, _uploadRow, _upload, _action, _memoryFrames, _memoryPose, _noise, _frame, _poseDelta;
    private readonly Dictionary<(int Rows, int Input), Replay> _replays = [];
    private int _input;

    public ReplayedPoolRun(ContextPoolDevice device, BatchLayout layout, StepBuffers buffers, int slots)
    {
        _device = device;
        _layout = layout;
        _buffers = buffers;
        _slots = slots;
        long rows = slots - 1;
        _memory = DeviceMemory.For(device.CudaDevice);
        try
        {
            _pools = [_memory.Allocate(slots * (long)layout.ContextFloats), _memory.Allocate(slots * (long)layout.ContextFloats)];
            _rows = _memory.Allocate(rows * sizeof(long));
            _uploadRow = _memory.Allocate(sizeof(long));  // zero: the scratch slot
            _upload = _memory.Allocate(layout.ContextFloats);
            _action = _memory.Allocate(rows * sizeof(long));
            _memoryFrames = _memory.Allocate(rows * layout.MemoryFloats);
            _memoryPose = _memory.Allocate(rows * layout.MemoryPoseFloats * sizeof(float));
            _noise = _memory.Allocate(rows * layout.FrameFloats * sizeof(float));
            _frame = _memory.Allocate(rows * layout.FrameFloats * sizeof(float));
            _poseDelta = _memory.Allocate(rows * BatchLayout.PoseDeltaFloats * sizeof(float));
            _memory.Lock(buffers.Action);
            _memory.Lock(buffers.MemoryRgb);
            _memory.Lock(buffers.MemoryPose);
            _memory.Lock(buffers.Noise);
            _memory.Lock(buffers.Frame);
            _memory.Lock(buffers.PoseDelta);
        }
        catch
        {
            _memory.Dispose();
            throw;
        }
    }

    public void Run(RunOptions options, StepTensors tensors, PoolStep step)
    {
        int rows = step.Rows, context = _layout.ContextFloats;
        lock (_device.ReplayLock)
        {
            for (int i = 0; i < step.UploadCount; i++)
            {
                _memory.Upload(step.Uploads, i * context, context, _pools[_input], step.UploadSlots[i] * context);
            }
            _memory.Upload(step.Slots, 0, rows, _rows);
            _memory.Upload(_buffers.Action, 0, rows, _action);
            if (_layout.HasMemoryInputs)
            {
                _memory.Upload(_buffers.MemoryRgb, 0, rows * _layout.MemoryFloats, _memoryFrames);
                _memory.Upload(_buffers.MemoryPose, 0, rows * _layout.MemoryPoseFloats, _memoryPose);
            }
            _memory.Upload(_buffers.Noise, 0, rows * _layout.FrameFloats, _noise);
            _memory.Synchronize();

            Replay replay = ReplayFor(rows);
            _device.Session.RunWithBinding(replay.Options, replay.Binding);
            replay.Binding.SynchronizeBoundOutputs();
            _memory.Synchronize();  // ONNX Runtime computes on a stream of its own

            _memory.Download(_frame, _buffers.Frame, rows * _layout.FrameFloats);
            _memory.Download(_poseDelta, _buffers.PoseDelta, rows * BatchLayout.PoseDeltaFloats);
        }
        _input ^= 1;
    }

    public void Dispose()
    {
        foreach (Replay replay in _replays.Values)
        {
            replay.Dispose();
        }
        _memory.Dispose();
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
            binding.BindInput(ContextPoolSpec.Pool, Tensor(_pools[_input], TensorElementType.UInt8, 1, _slots, k, h, w, c));
            binding.BindInput(ContextPoolSpec.Rows, Tensor(_rows, TensorElementType.Int64, sizeof(long), rows));
            binding.BindInput(ContextPoolSpec.UploadRows, Tensor(_uploadRow, TensorElementType.Int64, sizeof(long), 1));
            binding.BindInput(ContextPoolSpec.Uploads, Tensor(_upload, TensorElementType.UInt8, 1, 1, k, h, w, c));
            OrtValue action = Tensor(_action, TensorElementType.Int64, sizeof(long), rows);
            OrtValue noise = Tensor(_noise, TensorElementType.Float, sizeof(float), rows, c, h, w);
            OrtValue[] inputs = _layout.HasMemoryInputs
                ? [action, Tensor(_memoryFrames, TensorElementType.UInt8, 1, rows, m, h, w, c),
                   Tensor(_memoryPose, TensorElementType.Float, sizeof(float), rows, m, 4), noise]
                : [action, noise];
            for (int i = 0; i < inputs.Length; i++)
            {
                binding.BindInput(_layout.InputNames[i + 1], inputs[i]);  // after the context, which the pool holds
            }
            binding.BindOutput(_layout.OutputNames[0], Tensor(_frame, TensorElementType.Float, sizeof(float), rows, c, h, w));
            binding.BindOutput(_layout.OutputNames[1], Tensor(_poseDelta, TensorElementType.Float, sizeof(float), rows, BatchLayout.PoseDeltaFloats));
            binding.BindOutput(ContextPoolSpec.PoolOut, Tensor(_pools[_input ^ 1], TensorElementType.UInt8, 1, _slots, k, h, w, c));
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
