using WorldWeb.ReferenceWorld.Maze;
using WorldWeb.ReferenceWorld.Painting;

namespace WorldWeb.ReferenceWorld.Rendering;

/// <summary>
/// First-person view by ray casting (one ray per pixel column, DDA through the grid), with
/// textured walls (and the marks painted on them), a checkered floor, a plain ceiling and distance shading.
/// Writes RGB24, row-major.
/// </summary>
public sealed class Raycaster(WorldOptions options)
{
    private readonly int width = options.Width;
    private readonly int height = options.Height;
    private readonly double planeLength = Math.Tan(options.FieldOfView * Math.PI / 360);

    public void Render(MazeGrid grid, WallMarks marks, AgentPose pose, Span<byte> rgb)
    {
        if (rgb.Length < width * height * 3)
            throw new ArgumentException($"Frame buffer holds {rgb.Length} bytes; {width}x{height} RGB needs {width * height * 3}.", nameof(rgb));
        double dirX = Math.Cos(pose.Heading), dirY = Math.Sin(pose.Heading);
        // The camera plane points to the agent's right: (-sin, cos) with y growing south.
        double planeX = -dirY * planeLength, planeY = dirX * planeLength;
        for (var column = 0; column < width; column++)
        {
            var cameraX = 2 * (column + 0.5) / width - 1;
            RenderColumn(grid, marks, pose, column, dirX + planeX * cameraX, dirY + planeY * cameraX, rgb);
        }
    }

    private void RenderColumn(MazeGrid grid, WallMarks marks, AgentPose pose, int column, double rayX, double rayY, Span<byte> rgb)
    {
        var hit = CastRay(grid, pose.X, pose.Y, rayX, rayY);
        var wallHeight = height / Math.Max(hit.Distance, 1e-3);
        var wallTop = (height - wallHeight) / 2;
        var wallShade = Shade(hit.Distance) * (hit.SideIsY ? 0.8f : 1f);
        var mark = marks.ColourOf(hit.Face);
        for (var row = 0; row < height; row++)
        {
            var centre = row + 0.5;
            Rgb colour;
            if (centre < wallTop)
                colour = Textures.Ceiling.Scale(0.6f + 0.4f * (float)(1 - centre / (height / 2.0)));
            else if (centre < wallTop + wallHeight)
            {
                float u = (float)hit.U, v = (float)((centre - wallTop) / wallHeight);
                colour = ((mark is { } m ? Textures.Mark(m, u, v) : null) ?? Textures.Wall(hit.Material, u, v)).Scale(wallShade);
            }
            else
                colour = Floor(pose, rayX, rayY, centre);
            var offset = (row * width + column) * 3;
            rgb[offset] = ToByte(colour.R);
            rgb[offset + 1] = ToByte(colour.G);
            rgb[offset + 2] = ToByte(colour.B);
        }
    }

    private Rgb Floor(AgentPose pose, double rayX, double rayY, double rowCentre)
    {
        var distance = height / 2.0 / (rowCentre - height / 2.0);
        var fx = pose.X + distance * rayX;
        var fy = pose.Y + distance * rayY;
        var light = (((int)Math.Floor(fx) + (int)Math.Floor(fy)) & 1) == 0;
        return (light ? Textures.FloorLight : Textures.FloorDark).Scale(Shade(distance));
    }

    private static float Shade(double distance) => (float)Math.Clamp(1.3 / (1 + 0.3 * distance), 0.25, 1.0);

    private static byte ToByte(float value) => (byte)Math.Clamp((int)(value * 255 + 0.5f), 0, 255);

    internal readonly record struct RayHit(double Distance, Material Material, double U, bool SideIsY, WallFace Face);

    /// <summary>The first wall along (rayX, rayY); its distance is in units of the ray's length.</summary>
    internal static RayHit CastRay(MazeGrid grid, double posX, double posY, double rayX, double rayY)
    {
        int mapX = (int)Math.Floor(posX), mapY = (int)Math.Floor(posY);
        var deltaX = rayX == 0 ? double.MaxValue : Math.Abs(1 / rayX);
        var deltaY = rayY == 0 ? double.MaxValue : Math.Abs(1 / rayY);
        int stepX = rayX < 0 ? -1 : 1, stepY = rayY < 0 ? -1 : 1;
        var sideX = (rayX < 0 ? posX - mapX : mapX + 1 - posX) * deltaX;
        var sideY = (rayY < 0 ? posY - mapY : mapY + 1 - posY) * deltaY;
        bool sideIsY;
        var guard = grid.Size * 4;
        do
        {
            if (sideX < sideY) { sideX += deltaX; mapX += stepX; sideIsY = false; }
            else { sideY += deltaY; mapY += stepY; sideIsY = true; }
        } while (grid.IsFree(mapX, mapY) && --guard > 0);

        var distance = sideIsY ? sideY - deltaY : sideX - deltaX;
        var along = sideIsY ? posX + distance * rayX : posY + distance * rayY;
        var u = along - Math.Floor(along);
        // Flip u on the far faces so textures are not mirrored when seen from the other side.
        if ((!sideIsY && rayX < 0) || (sideIsY && rayY > 0)) u = 1 - u;
        var side = sideIsY ? (rayY > 0 ? FaceSide.North : FaceSide.South) : (rayX > 0 ? FaceSide.West : FaceSide.East);
        return new RayHit(distance, grid[mapX, mapY], u, sideIsY, new WallFace(mapX, mapY, side));
    }
}
