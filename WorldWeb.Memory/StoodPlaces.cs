using WorldWeb.Inference.Poses;

namespace WorldWeb.Memory;

/// <summary>
/// The places a world's player has stood (tracked positions, headings aside): where the model's own world has shown
/// the way to be free. Walls never move and a paint does not block, so a move that ends on such a place cannot have
/// been stopped (<see cref="PoseTracking"/>). Positions are kept as float32, as a save writes them, so a world
/// resumed from a save answers exactly as the live one did. Deterministic; not thread-safe.
/// </summary>
public sealed class StoodPlaces
{
    /// <summary>A move's end within this many cells of a place stood on is that place: returns over the same steps land within 1e-6.</summary>
    public const double Tolerance = 0.02;

    /// <summary>More is not kept (8 bytes each in a save): 50,000 is 40 minutes of walking on new ground at 20 steps a second.</summary>
    public const int MaxPlaces = 50_000;

    private const double CellSize = 0.1;  // ≥ 2 × Tolerance, so the 3×3 squares around a point hold every place within it

    private readonly Dictionary<(long, long), List<Place>> _squares = [];
    private readonly List<Place> _places = [];

    public readonly record struct Place(float X, float Y);

    /// <summary>Every place held, in the order first stood on.</summary>
    public IReadOnlyList<Place> Places => _places;

    /// <summary>Notes that the player stood at <paramref name="pose"/>, unless a place within <see cref="Tolerance"/> is held (or <see cref="MaxPlaces"/> are).</summary>
    public void Add(Pose pose)
    {
        var place = new Place((float)pose.X, (float)pose.Y);
        if (_places.Count >= MaxPlaces || Contains(place.X, place.Y))
        {
            return;
        }
        (long, long) square = Square(place.X, place.Y);
        if (!_squares.TryGetValue(square, out List<Place>? inSquare))
        {
            _squares[square] = inSquare = [];
        }
        inSquare.Add(place);
        _places.Add(place);
    }

    /// <summary>Whether the player has stood within <see cref="Tolerance"/> of <paramref name="pose"/>'s position.</summary>
    public bool Contains(Pose pose) => Contains(pose.X, pose.Y);

    private bool Contains(double x, double y)
    {
        (long sx, long sy) = Square(x, y);
        for (long i = sx - 1; i <= sx + 1; i++)
        {
            for (long j = sy - 1; j <= sy + 1; j++)
            {
                if (!_squares.TryGetValue((i, j), out List<Place>? inSquare))
                {
                    continue;
                }
                foreach (Place place in inSquare)
                {
                    if (double.Hypot(place.X - x, place.Y - y) <= Tolerance)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static (long, long) Square(double x, double y) => ((long)Math.Floor(x / CellSize), (long)Math.Floor(y / CellSize));
}
