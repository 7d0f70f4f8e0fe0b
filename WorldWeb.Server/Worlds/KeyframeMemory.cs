using WorldWeb.Inference.Poses;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// An in-process <see cref="IWorldMemory"/>: keeps a frame whenever the player stands somewhere no kept frame
/// covers (farther than <see cref="NewPlaceDistance"/> or turned more than <see cref="NewPlaceTurn"/>), at most
/// <c>capacity</c> of them, dropping the oldest. Recall scores like the evaluation's PoseMemory.
/// </summary>
public sealed class KeyframeMemory(int capacity) : IWorldMemory
{
    public const double MaxDistance = 1.5;
    public const double MaxTurn = Math.PI / 3;
    public const double NewPlaceDistance = 0.5;
    public const double NewPlaceTurn = Math.PI / 6;

    private readonly List<Keyframe> _keyframes = [];

    public IReadOnlyList<Keyframe> Keyframes => _keyframes;

    public static KeyframeMemory Restore(int capacity, IEnumerable<Keyframe> keyframes)
    {
        var memory = new KeyframeMemory(capacity);
        memory._keyframes.AddRange(keyframes.TakeLast(capacity));
        return memory;
    }

    public void Remember(byte[] rgb, Pose pose, long step)
    {
        if (capacity == 0 || _keyframes.Any(k => Distance(pose, k.Pose) <= NewPlaceDistance && Turn(pose, k.Pose) <= NewPlaceTurn))
        {
            return;
        }
        if (_keyframes.Count == capacity)
        {
            _keyframes.RemoveAt(0);
        }
        _keyframes.Add(new Keyframe(step, pose, rgb));
    }

    public IReadOnlyList<Keyframe> Recall(Pose current, long beforeStep, int slots) =>
        _keyframes
            .Where(k => k.Step < beforeStep)
            .Select(k => (Keyframe: k, Score: Score(current, k.Pose)))
            .Where(k => !double.IsNaN(k.Score))
            .OrderBy(k => k.Score)
            .ThenBy(k => k.Keyframe.Step)
            .Take(slots)
            .Select(k => k.Keyframe)
            .ToList();

    /// <summary>Distance in cells plus half a cell per radian of turn; NaN when out of range.</summary>
    private static double Score(Pose current, Pose stored)
    {
        double distance = Distance(current, stored), turn = Turn(current, stored);
        return distance > MaxDistance || turn > MaxTurn ? double.NaN : distance + 0.5 * turn;
    }

    private static double Distance(Pose a, Pose b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static double Turn(Pose a, Pose b) => Math.Abs(Angles.Wrap(b.Heading - a.Heading));
}
