namespace WorldWeb.Inference.Npy;

/// <summary>The element types WorldWeb reads from <c>.npy</c> files (little-endian).</summary>
public enum NpyDtype
{
    UInt8,
    Int16,
    Int64,
    Float32,
}

internal static class NpyDtypes
{
    public static int SizeOf(NpyDtype dtype) => dtype switch
    {
        NpyDtype.UInt8 => 1,
        NpyDtype.Int16 => 2,
        NpyDtype.Int64 => 8,
        NpyDtype.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static NpyDtype? FromDescr(string descr) => descr switch
    {
        "|u1" or "<u1" or "u1" => NpyDtype.UInt8,
        "<i2" => NpyDtype.Int16,
        "<i8" => NpyDtype.Int64,
        "<f4" => NpyDtype.Float32,
        _ => null,
    };

    public static Type ClrType(NpyDtype dtype) => dtype switch
    {
        NpyDtype.UInt8 => typeof(byte),
        NpyDtype.Int16 => typeof(short),
        NpyDtype.Int64 => typeof(long),
        NpyDtype.Float32 => typeof(float),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
