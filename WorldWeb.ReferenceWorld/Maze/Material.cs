namespace WorldWeb.ReferenceWorld.Maze;

/// <summary>What a maze cell is made of. Empty cells can be walked through.</summary>
public enum Material : byte
{
    Empty = 0,
    // Region walls: each quarter of the maze has its own, so places are recognisable.
    Brick = 1, Stone = 2, Moss = 3, Panel = 4,
    // Landmark pillars standing inside rooms.
    RedPillar = 5, YellowPillar = 6, CyanPillar = 7, MagentaPillar = 8,
    // Walls carrying a coloured sign.
    RedSign = 9, YellowSign = 10, CyanSign = 11, MagentaSign = 12,
}

public static class Materials
{
    public const int PillarCount = 4;
    public const int SignCount = 4;

    public static bool IsLandmark(this Material m) => m >= Material.RedPillar;
}
