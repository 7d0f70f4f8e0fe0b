namespace WorldWeb.ReferenceWorld.Painting;

/// <summary>
/// What players painted: a mark on a wall face, in one of <see cref="Colours"/> colours. Painting a marked face again
/// gives it the next colour (after the last, the first again), so every press that reaches a wall changes what it
/// shows; marks are never cleared.
/// </summary>
public sealed class WallMarks
{
    public const int Colours = 3;

    /// <summary>How far ahead (cells, along the view direction) a paint reaches.</summary>
    public const double Reach = 1.5;

    private readonly Dictionary<WallFace, int> _marks = [];

    public int Count => _marks.Count;

    public IReadOnlyDictionary<WallFace, int> All => _marks;

    public int? ColourOf(WallFace face) => _marks.TryGetValue(face, out var colour) ? colour : null;

    /// <summary>Marks <paramref name="face"/>; returns the colour it has now.</summary>
    public int Paint(WallFace face)
    {
        var colour = _marks.TryGetValue(face, out var old) ? (old + 1) % Colours : 0;
        _marks[face] = colour;
        return colour;
    }
}
