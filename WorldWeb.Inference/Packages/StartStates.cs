using WorldWeb.Inference.Npy;

namespace WorldWeb.Inference.Packages;

/// <summary>The package's start states, <c>starts.npy</c>: uint8 <c>[N, K, H, W, 3]</c>.</summary>
internal sealed class StartStates
{
    private readonly NpyArray _array;
    private readonly FrameSpec _frame;
    private readonly int _contextFrames;

    private StartStates(NpyArray array, FrameSpec frame, int contextFrames)
    {
        _array = array;
        _frame = frame;
        _contextFrames = contextFrames;
    }

    public int Count => (int)_array.Shape[0];

    public static StartStates Load(string path, ModelManifest manifest)
    {
        NpyArray array = PackageArrays.Read(path, "the start states");

        FrameSpec f = manifest.Frame;
        string expected = $"[N,{manifest.ContextFrames},{f.Height},{f.Width},{f.Channels}]";
        if (array.Dtype != NpyDtype.UInt8)
        {
            throw new ModelPackageException(path, $"start states are {array.Dtype} but must be uint8 {expected}");
        }
        IReadOnlyList<long> s = array.Shape;
        bool shapeFits = s.Count == 5 && s[1] == manifest.ContextFrames && s[2] == f.Height && s[3] == f.Width && s[4] == f.Channels;
        if (!shapeFits)
        {
            throw new ModelPackageException(path, $"start states have shape {array.ShapeText} but world.json requires {expected}");
        }
        if (s[0] < 1 || s[0] > int.MaxValue)
        {
            throw new ModelPackageException(path, $"start states have shape {array.ShapeText}; N must be at least 1");
        }
        return new StartStates(array, f, manifest.ContextFrames);
    }

    public ReadOnlySpan<byte> Of(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int values = _contextFrames * _frame.ValueCount;
        return _array.Data<byte>().Slice(index * values, values);
    }
}
