using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Images;

/// <summary>./worldweb snapshot: a strip of reference-world frames along the explorer's walk, as one PNG.</summary>
public static class SnapshotCommand
{
    public static int Run(CommandArgs args)
    {
        var seed = args.Int("seed", 1);
        var count = args.Int("frames", 16);
        var every = args.Int("every", 10);
        var output = args.Text("out") ?? $"snapshot_{seed}.png";
        args.EnsureAllRead();

        var world = World.Create(seed);
        var explorer = new Explorer(world, seed);
        var strip = new FrameStrip(world.Options.Width, world.Options.Height, columns: Math.Min(count, 8), count);
        for (var i = 0; i < count; i++)
        {
            strip.Place(i, world.Render());
            for (var s = 0; s < every; s++) world.Apply(explorer.Next());
        }
        strip.Save(output);
        Console.WriteLine($"snapshot: wrote {output}");
        return 0;
    }
}
