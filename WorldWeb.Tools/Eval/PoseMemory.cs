using WorldWeb.Inference.Poses;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// The evaluation's memory: every frame the model has seen or made, with the pose it was seen at;
/// retrieval returns the entries nearest in position whose view direction overlaps the current one.
/// </summary>
public sealed class PoseMemory
{
    // The training pipeline samples memories by the same rule (training/worldweb_training/data.py):
    // within a cell and 30 degrees, at least MinGap steps older than the context, best score first.
    public const double MaxDistance = 1.0;
    public const double MaxTurn = Math.PI / 6;
    public const int MinGap = 4;

    private readonly List<(float[] Frame, Pose Pose, int Step)> entries = [];

    public int Count => entries.Count;

    public void Add(float[] frame, Pose pose, int step) => entries.Add((frame, pose, step));

    /// <summary>Up to <paramref name="slots"/> entries stored before <paramref name="beforeStep"/>, best first.</summary>
    public List<(float[] Frame, Pose Pose)> Retrieve(Pose current, int beforeStep, int slots) =>
        entries
            .Where(e => e.Step < beforeStep)
            .Select(e => (e.Frame, e.Pose, Score: Score(current, e.Pose)))
            .Where(e => !double.IsNaN(e.Score))
            .OrderBy(e => e.Score)
            .Take(slots)
            .Select(e => (e.Frame, e.Pose))
            .ToList();

    /// <summary>Distance in cells plus half a cell per radian of turn; NaN when out of range.</summary>
    private static double Score(Pose current, Pose stored)
    {
        var distance = Math.Sqrt((current.X - stored.X) * (current.X - stored.X) + (current.Y - stored.Y) * (current.Y - stored.Y));
        var turn = Math.Abs(Angles.Wrap(stored.Heading - current.Heading));
        return distance > MaxDistance || turn > MaxTurn ? double.NaN : distance + 0.5 * turn;
    }
}
