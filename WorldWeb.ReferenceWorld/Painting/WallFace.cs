namespace WorldWeb.ReferenceWorld.Painting;

/// <summary>The side of a wall cell a face looks out of (y grows south).</summary>
public enum FaceSide : byte
{
    West,
    East,
    North,
    South,
}

/// <summary>One face of a wall cell: the cell and the side it is seen from. Each face carries its own mark.</summary>
public readonly record struct WallFace(int X, int Y, FaceSide Side);
