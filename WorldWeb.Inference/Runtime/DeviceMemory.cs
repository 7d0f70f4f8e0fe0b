using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WorldWeb.Inference.Runtime;

/// <summary>
/// Memory where a graph runs, at addresses that never change: what a CUDA graph needs, since it replays the
/// addresses it was captured with. CUDA device memory, or host memory for the same code path on a CPU.
/// </summary>
/// <remarks>
/// Host arrays given to <see cref="Upload{T}"/> and <see cref="Download{T}"/> must be pinned for good
/// (<c>GC.AllocateArray(pinned: true)</c>): their addresses go to native copies.
/// </remarks>
internal abstract class DeviceMemory : IDisposable
{
    private readonly List<IntPtr> _blocks = [], _locked = [];

    /// <summary>Where the memory is, as ONNX Runtime names it.</summary>
    public abstract OrtMemoryInfo Info { get; }

    public static DeviceMemory For(int? cudaDevice) => cudaDevice is int device ? new CudaMemory(device) : new HostMemory();

    /// <summary>A block of <paramref name="bytes"/>, zeroed, freed with this memory.</summary>
    public IntPtr Allocate(long bytes)
    {
        IntPtr block = AllocateZeroed(Math.Max(bytes, 1));
        _blocks.Add(block);
        return block;
    }

    /// <summary>An ONNX tensor over <paramref name="block"/>, which must hold its values.</summary>
    public OrtValue Tensor(IntPtr block, TensorElementType type, long[] shape, int elementBytes) =>
        OrtValue.CreateTensorValueWithData(Info, type, shape, block, shape.Aggregate(1L, (n, d) => n * d) * elementBytes);

    /// <summary>Copies <paramref name="count"/> values of <paramref name="host"/> from <paramref name="start"/> to <paramref name="block"/> + <paramref name="offset"/> bytes.</summary>
    public void Upload<T>(T[] host, int start, int count, IntPtr block, long offset = 0) where T : unmanaged =>
        CopyToDevice(block + (nint)offset, Marshal.UnsafeAddrOfPinnedArrayElement(host, start), Bytes<T>(count));

    /// <summary>Copies <paramref name="count"/> values from <paramref name="block"/> to <paramref name="host"/>.</summary>
    public void Download<T>(IntPtr block, T[] host, int count) where T : unmanaged =>
        CopyToHost(Marshal.UnsafeAddrOfPinnedArrayElement(host, 0), block, Bytes<T>(count));

    /// <summary>Waits until every copy made so far has landed and the device is idle.</summary>
    public abstract void Synchronize();

    /// <summary>
    /// Lets the device copy to and from <paramref name="host"/> directly, until this memory is disposed: a copy from
    /// memory the device has not locked goes through a staging buffer, at a fraction of the bus's speed. Best effort.
    /// </summary>
    public void Lock<T>(T[] host) where T : unmanaged
    {
        if (host.Length > 0 && TryLock(Marshal.UnsafeAddrOfPinnedArrayElement(host, 0), Bytes<T>(host.Length)) is IntPtr locked)
        {
            _locked.Add(locked);
        }
    }

    public void Dispose()
    {
        _locked.ForEach(Unlock);
        _locked.Clear();
        foreach (IntPtr block in _blocks)
        {
            Free(block);
        }
        _blocks.Clear();
        Info.Dispose();
    }

    protected virtual IntPtr? TryLock(IntPtr host, long bytes) => null;

    protected virtual void Unlock(IntPtr host)
    {
    }

    protected abstract IntPtr AllocateZeroed(long bytes);

    protected abstract void Free(IntPtr block);

    protected abstract void CopyToDevice(IntPtr device, IntPtr host, long bytes);

    protected abstract void CopyToHost(IntPtr host, IntPtr device, long bytes);

    private static long Bytes<T>(int count) where T : unmanaged => (long)count * Marshal.SizeOf<T>();
}

/// <summary>Host memory: the CPU provider's, where copies are memcpy.</summary>
internal sealed class HostMemory : DeviceMemory
{
    public override OrtMemoryInfo Info { get; } = new(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);

    public override void Synchronize()
    {
    }

    protected override unsafe IntPtr AllocateZeroed(long bytes)
    {
        void* block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(block, (nuint)bytes);
        return (IntPtr)block;
    }

    protected override unsafe void Free(IntPtr block) => NativeMemory.AlignedFree((void*)block);

    protected override unsafe void CopyToDevice(IntPtr device, IntPtr host, long bytes) => Buffer.MemoryCopy((void*)host, (void*)device, bytes, bytes);

    protected override unsafe void CopyToHost(IntPtr host, IntPtr device, long bytes) => Buffer.MemoryCopy((void*)device, (void*)host, bytes, bytes);
}

/// <summary>CUDA device memory, allocated and copied through the CUDA runtime that ONNX Runtime's CUDA provider loads.</summary>
internal sealed class CudaMemory(int device) : DeviceMemory
{
    public override OrtMemoryInfo Info { get; } = new(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device, OrtMemType.Default);

    // A copy from host memory CUDA has not locked may return before its DMA lands, and ONNX Runtime computes on a
    // stream of its own: the device is synchronized between the copies and the step.
    public override void Synchronize() => CudaRuntime.Synchronize(device);

    protected override IntPtr AllocateZeroed(long bytes) => CudaRuntime.AllocateZeroed(device, bytes);

    protected override void Free(IntPtr block) => CudaRuntime.Free(block);

    protected override void CopyToDevice(IntPtr deviceBlock, IntPtr host, long bytes) => CudaRuntime.Copy(device, deviceBlock, host, bytes, CudaRuntime.HostToDevice);

    protected override void CopyToHost(IntPtr host, IntPtr deviceBlock, long bytes) => CudaRuntime.Copy(device, host, deviceBlock, bytes, CudaRuntime.DeviceToHost);

    protected override IntPtr? TryLock(IntPtr host, long bytes) => CudaRuntime.TryRegister(host, bytes) ? host : null;

    protected override void Unlock(IntPtr host) => CudaRuntime.Unregister(host);
}
