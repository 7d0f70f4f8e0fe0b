using System.Diagnostics;
using System.Text.Json;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tools.Bench;

/// <summary>./worldweb bench world: reference-world frames per second on one core (step + render).</summary>
public static class WorldBenchCommand
{
    public static int Run(CommandArgs args)
    {
        var seconds = args.Double("seconds", 3);
        var size = args.Int("size", 64);
        var jsonPath = args.Text("json");
        args.EnsureAllRead();

        var world = World.Create(1, WorldOptions.Default with { Width = size, Height = size });
        var explorer = new Explorer(world, 1);
        var frame = new byte[world.FrameBytes];
        for (var i = 0; i < 500; i++) { world.Apply(explorer.Next()); world.Render(frame); } // warm-up
        long frames = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 100; i++) { world.Apply(explorer.Next()); world.Render(frame); }
            frames += 100;
        }
        var result = new { benchmark = "reference_world", width = size, height = size, threads = 1, frames, seconds = clock.Elapsed.TotalSeconds, frames_per_s_per_core = frames / clock.Elapsed.TotalSeconds };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }
}
