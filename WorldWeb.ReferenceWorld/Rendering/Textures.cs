using WorldWeb.ReferenceWorld.Maze;

namespace WorldWeb.ReferenceWorld.Rendering;

/// <summary>
/// Procedural wall, floor and ceiling colours. Patterns are deliberately low-frequency: at 64x64
/// fine detail only aliases, and a model learns places from colour and layout, not from noise.
/// </summary>
public static class Textures
{
    private static readonly Rgb[] RegionColours =
    [
        new(0.62f, 0.32f, 0.24f), // brick
        new(0.36f, 0.44f, 0.62f), // stone
        new(0.34f, 0.52f, 0.30f), // moss
        new(0.55f, 0.55f, 0.52f), // panel
    ];

    private static readonly Rgb[] LandmarkColours =
    [
        new(0.90f, 0.15f, 0.12f), // red
        new(0.95f, 0.82f, 0.15f), // yellow
        new(0.10f, 0.80f, 0.85f), // cyan
        new(0.85f, 0.20f, 0.80f), // magenta
    ];

    // Painted marks: colours no wall, sign or pillar has, inside a white frame, so a mark reads as paint at any distance.
    private static readonly Rgb[] MarkColours =
    [
        new(0.30f, 0.95f, 0.25f), // lime
        new(1.00f, 0.55f, 0.10f), // orange
        new(0.55f, 0.35f, 1.00f), // violet
    ];

    private static readonly Rgb MarkFrame = new(0.97f, 0.97f, 0.95f);

    public static readonly Rgb Ceiling = new(0.20f, 0.22f, 0.28f);
    public static readonly Rgb FloorLight = new(0.42f, 0.38f, 0.32f);
    public static readonly Rgb FloorDark = new(0.32f, 0.29f, 0.25f);

    /// <summary>Colour of a wall at horizontal position u and height v, both in [0, 1).</summary>
    public static Rgb Wall(Material material, float u, float v) => material switch
    {
        Material.Brick => Bricks(RegionColours[0], u, v),
        Material.Stone => Blocks(RegionColours[1], u, v),
        Material.Moss => Bricks(RegionColours[2], u, v),
        Material.Panel => Blocks(RegionColours[3], u, v),
        >= Material.RedPillar and <= Material.MagentaPillar => Pillar(LandmarkColours[material - Material.RedPillar], v),
        >= Material.RedSign and <= Material.MagentaSign => Sign(LandmarkColours[material - Material.RedSign], u, v),
        _ => RegionColours[0],
    };

    /// <summary>A painted mark's colour at (u, v), or null where the wall shows through (outside the mark).</summary>
    public static Rgb? Mark(int colour, float u, float v)
    {
        if (u is < 0.15f or > 0.85f || v is < 0.2f or > 0.8f) return null;
        var frame = u < 0.25f || u > 0.75f || v < 0.3f || v > 0.7f;
        return frame ? MarkFrame : MarkColours[colour % MarkColours.Length];
    }

    private static Rgb Bricks(Rgb colour, float u, float v)
    {
        var row = (int)(v * 4);
        var shiftedU = u + (row % 2) * 0.5f;
        var mortar = v * 4 - row < 0.12f || (shiftedU * 2) % 1 < 0.06f;
        return mortar ? colour.Scale(0.65f) : colour;
    }

    private static Rgb Blocks(Rgb colour, float u, float v)
    {
        var seam = u < 0.05f || u > 0.95f || v < 0.05f || Math.Abs(v - 0.5f) < 0.03f;
        return seam ? colour.Scale(0.7f) : colour.Scale(0.9f + 0.1f * v);
    }

    private static Rgb Pillar(Rgb colour, float v) =>
        Math.Abs(v - 0.3f) < 0.06f ? new Rgb(0.95f, 0.95f, 0.92f) : colour;

    private static Rgb Sign(Rgb colour, float u, float v)
    {
        var inside = u is > 0.25f and < 0.75f && v is > 0.3f and < 0.65f;
        return inside ? colour : RegionColours[3].Scale(0.85f);
    }
}
