using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Poses;

namespace WorldWeb.Server.Worlds;

/// <summary>A remembered frame (RGB24) and the tracked pose and step it was generated at.</summary>
public sealed class Keyframe(long step, Pose pose, byte[] rgb)
{
    private float[]? _frame;

    public long Step { get; } = step;

    public Pose Pose { get; } = pose;

    public byte[] Rgb { get; } = rgb;

    /// <summary>The model's float CHW view of <see cref="Rgb"/>, made once.</summary>
    public float[] Frame
    {
        get
        {
            if (_frame is null)
            {
                var frame = new float[Rgb.Length];
                FrameMath.FromRgb24(Rgb, frame);
                _frame = frame;
            }
            return _frame;
        }
    }
}
