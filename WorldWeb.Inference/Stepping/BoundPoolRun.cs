using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// Runs a pool graph with its inputs bound afresh each step: the batch's host buffers (copied to the device when
/// bound, on CUDA) and the two pools, in device memory on CUDA (allocated by the session) or pinned host memory.
/// The graph uploads contexts itself; when no row needs one, it uploads to the scratch slot (no tensor is empty).
/// </summary>
internal sealed class BoundPoolRun : IPoolRun
{
    private readonly InferenceSession _session;
    private readonly BatchLayout _layout;
    private readonly OrtAllocator? _deviceAllocator;
    private readonly OrtValue[] _pools;  // _pools[_input] is the next step's input, the other its output
    private readonly OrtIoBinding _binding;
    private int _input;

    public BoundPoolRun(ContextPoolDevice device, BatchLayout layout, int slots)
    {
        _session = device.Session;
        _layout = layout;
        long[] shape = [slots, layout.ContextFrames, layout.Height, layout.Width, layout.Channels];
        if (device.CudaDevice is int cuda)
        {
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, cuda, OrtMemType.Default);
            _deviceAllocator = new OrtAllocator(_session, memory);
            var pools = new List<OrtValue>(2);
            try
            {
                pools.Add(OrtValue.CreateAllocatedTensorValue(_deviceAllocator, TensorElementType.UInt8, shape));
                pools.Add(OrtValue.CreateAllocatedTensorValue(_deviceAllocator, TensorElementType.UInt8, shape));
            }
            catch
            {
                pools.ForEach(pool => pool.Dispose());
                _deviceAllocator.Dispose();
                throw;
            }
            _pools = [.. pools];
        }
        else
        {
            _pools = [.. Enumerable.Range(0, 2).Select(_ => OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, ContextPool.Pinned<byte>(slots * layout.ContextFloats).AsMemory(), shape))];
        }
        _binding = _session.CreateIoBinding();
    }

    public void Run(RunOptions options, StepTensors tensors, PoolStep step)
    {
        int uploads = step.UploadCount;
        if (uploads == 0)
        {
            step.UploadSlots[uploads++] = ContextPool.Scratch;
        }
        using OrtValue rowValues = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, step.Slots.AsMemory(0, step.Rows), [step.Rows]);
        using OrtValue uploadRows = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, step.UploadSlots.AsMemory(0, uploads), [uploads]);
        using OrtValue uploaded = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, step.Uploads.AsMemory(0, uploads * _layout.ContextFloats),
            [uploads, _layout.ContextFrames, _layout.Height, _layout.Width, _layout.Channels]);
        // Bound afresh each step: binding a host value to a device graph copies it when bound.
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        _binding.BindInput(ContextPoolSpec.Pool, _pools[_input]);
        _binding.BindInput(ContextPoolSpec.Rows, rowValues);
        _binding.BindInput(ContextPoolSpec.UploadRows, uploadRows);
        _binding.BindInput(ContextPoolSpec.Uploads, uploaded);
        for (int i = 1; i < _layout.InputNames.Length; i++)  // all but the context, which the pool holds
        {
            _binding.BindInput(_layout.InputNames[i], tensors.Inputs[i]);
        }
        for (int i = 0; i < _layout.OutputNames.Length; i++)
        {
            _binding.BindOutput(_layout.OutputNames[i], tensors.Outputs[i]);
        }
        _binding.BindOutput(ContextPoolSpec.PoolOut, _pools[_input ^ 1]);
        _session.RunWithBinding(options, _binding);
        _binding.SynchronizeBoundOutputs();
        _input ^= 1;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue pool in _pools)
        {
            pool.Dispose();
        }
        _deviceAllocator?.Dispose();
    }
}
