using System.Runtime.InteropServices;

namespace WorldWeb.Inference.Runtime;

/// <summary>
/// The few CUDA runtime calls a step replayed as a CUDA graph needs (<see cref="CudaMemory"/>): ONNX Runtime's C#
/// API has no copy into an existing device buffer, which is how a captured graph's inputs must change.
/// </summary>
/// <remarks>The CUDA 13 runtime, as ONNX Runtime 1.31's CUDA provider links it (docs/gpu.md says where it is found).</remarks>
internal static partial class CudaRuntime
{
    private const string Library = "libcudart.so.13";

    public const int HostToDevice = 1, DeviceToHost = 2;

    public static IntPtr AllocateZeroed(int device, long bytes)
    {
        Check(cudaSetDevice(device), "cudaSetDevice");
        Check(cudaMalloc(out IntPtr block, (nuint)bytes), "cudaMalloc");
        Check(cudaMemset(block, 0, (nuint)bytes), "cudaMemset");
        return block;
    }

    public static void Free(IntPtr block) => cudaFree(block);  // at disposal; nothing to do about a failure then

    public static void Copy(int device, IntPtr destination, IntPtr source, long bytes, int kind)
    {
        Check(cudaSetDevice(device), "cudaSetDevice");
        Check(cudaMemcpy(destination, source, (nuint)bytes, kind), "cudaMemcpy");
    }

    /// <summary>Page-locks host memory for direct copies; false where CUDA refuses (the copies then stage, slower).</summary>
    public static bool TryRegister(IntPtr host, long bytes) => cudaHostRegister(host, (nuint)bytes, 0) == 0 || ClearError();

    public static void Unregister(IntPtr host) => cudaHostUnregister(host);

    public static void Synchronize(int device)
    {
        Check(cudaSetDevice(device), "cudaSetDevice");
        Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    // A failed call leaves its error to be returned by the next one; a refused registration is not worth failing that.
    private static bool ClearError()
    {
        cudaGetLastError();
        return false;
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new CudaException($"{call} failed: {Marshal.PtrToStringAnsi(cudaGetErrorString(error))} (CUDA error {error})");
        }
    }

    [LibraryImport(Library)]
    private static partial int cudaSetDevice(int device);

    [LibraryImport(Library)]
    private static partial int cudaMalloc(out IntPtr block, nuint bytes);

    [LibraryImport(Library)]
    private static partial int cudaMemset(IntPtr block, int value, nuint bytes);

    [LibraryImport(Library)]
    private static partial int cudaFree(IntPtr block);

    [LibraryImport(Library)]
    private static partial int cudaMemcpy(IntPtr destination, IntPtr source, nuint bytes, int kind);

    [LibraryImport(Library)]
    private static partial int cudaHostRegister(IntPtr host, nuint bytes, uint flags);

    [LibraryImport(Library)]
    private static partial int cudaHostUnregister(IntPtr host);

    [LibraryImport(Library)]
    private static partial int cudaGetLastError();

    [LibraryImport(Library)]
    private static partial int cudaDeviceSynchronize();

    [LibraryImport(Library)]
    private static partial IntPtr cudaGetErrorString(int error);
}

/// <summary>A CUDA runtime call failed; the message names the call and CUDA's reason.</summary>
public sealed class CudaException(string message) : Exception(message);
