namespace WorldWeb.Inference.Runtime;

/// <summary>Whether a step runs on exactly the batch's rows or on that many rounded up to a power of two.</summary>
/// <remarks>
/// On a GPU every new batch shape costs: cuDNN's exhaustive search times each convolution's algorithms on a shape's
/// first run (a stall the worlds of that tick wait through), and CUDA graphs need fixed shapes. With worlds joining
/// and leaving, a server sees every batch size from 1 up; padded, it sees at most ⌈log2 N⌉ + 1 of them. The padding
/// rows hold whatever the batch's buffers hold and their outputs are not read: rows are independent
/// (docs/model-format.md), so the real rows' frames are the same bit for bit. On a CPU the padding would only be
/// extra work.
/// </remarks>
public enum BatchPadding
{
    /// <summary>Powers of two on CUDA, none on CPU.</summary>
    Auto,

    None,

    PowersOfTwo,
}
