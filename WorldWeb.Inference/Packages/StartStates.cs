using WorldWeb.Inference.Npy;
using WorldWeb.Inference.Poses;

namespace WorldWeb.Inference.Packages;

/// <summary>
/// The package's start states, <c>starts.npy</c>: uint8 <c>[N, K, H, W, 3]</c>, and where each one's last frame was seen
/// from, <c>start_poses</c> (float32 <c>[N, 3]</c>: x, y in cells, heading), when the manifest names it.
/// </summary>
internal sealed class StartStates
{
    private readonly NpyArray _array;
    private readonly NpyArray? _poses;
    private readonly FrameSpec _frame;
    private readonly int _contextFrames;

    private StartStates(NpyArray array, NpyArray? poses, FrameSpec frame, int contextFrames)
    {
        _poses = poses;
        _array = array;
        _frame = frame;
        _contextFrames = contextFrames;
    }

    public int Count => (int)_array.Shape[0];

    public static StartStates Load(string folder, ModelManifest manifest)
    {
        string path = Path.Combine(folder, manifest.Starts);
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
        NpyArray? poses = manifest.StartPoses is { } posesFile ? LoadPoses(Path.Combine(folder, posesFile), s[0]) : null;
        return new StartStates(array, poses, f, manifest.ContextFrames);
    }

    private static NpyArray LoadPoses(string path, long count)
    {
        NpyArray poses = PackageArrays.Read(path, "the start poses");
        if (poses.Dtype != NpyDtype.Float32 || poses.Shape.Count != 2 || poses.Shape[0] != count || poses.Shape[1] != 3)
        {
            throw new ModelPackageException(path, $"start poses are {poses.Dtype} {poses.ShapeText} but must be float32 [{count},3], one per start state");
        }
        foreach (float value in poses.Data<float>())
        {
            if (!float.IsFinite(value))
            {
                throw new ModelPackageException(path, "start poses must be finite");
            }
        }
        return poses;
    }

    /// <summary>Where start state <paramref name="index"/>'s last frame was seen from; (0, 0, 0) for a package without start poses.</summary>
    public Pose PoseOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (_poses is null)
        {
            return new Pose(0, 0, 0);
        }
        ReadOnlySpan<float> pose = _poses.Data<float>().Slice(index * 3, 3);
        return new Pose(pose[0], pose[1], pose[2]);
    }

    public ReadOnlySpan<byte> Of(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int values = _contextFrames * _frame.ValueCount;
        return _array.Data<byte>().Slice(index * values, values);
    }
}
