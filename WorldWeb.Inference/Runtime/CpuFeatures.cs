using System.Runtime.Intrinsics.X86;

namespace WorldWeb.Inference.Runtime;

/// <summary>What this machine's CPU offers the int8 graphs.</summary>
public static class CpuFeatures
{
    private static readonly Lazy<bool> _int8DotProducts = new(Probe);
    private static readonly Lazy<string> _name = new(ReadName);

    /// <summary>
    /// Whether the CPU has integer dot-product instructions (AVX-512 VNNI or AVX-VNNI), which ONNX Runtime's int8
    /// kernels need to match the float32 graph: without them (AVX2 alone) its u8·s8 products saturate, and on a 2-core
    /// AVX2 machine only 75% of an int8 step's values were within 8 levels of float32's (their patches, not noise).
    /// </summary>
    public static bool HasInt8DotProducts => _int8DotProducts.Value;

    /// <summary>
    /// The CPU's model name and whether it has int8 dot products, for benchmark reports: int8's gain is the CPU's
    /// (2.0× float32's step on a 2-core AMD EPYC, 1.3–1.4× on a 2-core Intel Xeon with AMX, docs/model-card.md).
    /// </summary>
    public static string Name => _name.Value;

    private static string ReadName()
    {
        string? model = null;
        try
        {
            model = OperatingSystem.IsLinux() ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        }
        catch (IOException)
        {
        }
        return $"{model ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()}{(HasInt8DotProducts ? ", int8 dot products" : "")}";
    }

    private static bool Probe()
    {
        if (AvxVnni.IsSupported)
        {
            return true;
        }
        // .NET names no AVX-512 VNNI intrinsic class; Linux lists the CPU's flags.
        try
        {
            return OperatingSystem.IsLinux() && File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))
                is { } flags && flags.Split(' ').Contains("avx512_vnni");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
