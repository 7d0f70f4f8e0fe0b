using System.Runtime.InteropServices;

namespace WorldWeb.Inference.Npy;

/// <summary>A C-order array read from a <c>.npy</c> file.</summary>
public sealed class NpyArray
{
    private readonly byte[] _data;

    internal NpyArray(NpyDtype dtype, IReadOnlyList<long> shape, byte[] data)
    {
        Dtype = dtype;
        Shape = shape;
        _data = data;
    }

    public NpyDtype Dtype { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    public long ElementCount => _data.Length / NpyDtypes.SizeOf(Dtype);

    /// <summary>The elements in C order. <typeparamref name="T"/> must match <see cref="Dtype"/>.</summary>
    public ReadOnlySpan<T> Data<T>() where T : unmanaged
    {
        if (typeof(T) != NpyDtypes.ClrType(Dtype))
        {
            throw new InvalidOperationException($"the array holds {Dtype}, not {typeof(T).Name}");
        }
        // .npy data is little-endian; every platform .NET supports for ONNX Runtime is too.
        return MemoryMarshal.Cast<byte, T>(_data);
    }

    public string ShapeText => $"[{string.Join(',', Shape)}]";
}
