using System.Diagnostics;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Clips;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>bench serve --clip-steps N</c>: a clip of N logged steps (a player walking about) rendered by the server's own
/// queue and renderer, once with no world watched and once beside the requested count of watched worlds, whose fps
/// over the render is set against their fps for as long right after it.
/// </summary>
internal sealed class ClipBench(IServiceProvider services, BenchWorlds worlds, string owner, int steps)
{
    public async Task<ClipBenchResult> RunAsync(ServeStage without)
    {
        var store = services.GetRequiredService<WorldStore>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var world = new WorldRecord { Id = WorldIds.New(), Title = "bench clip", Model = worlds.Model.Name, Seed = 99, OwnerId = owner, CreatedAt = now, UpdatedAt = now };
        await store.AddAsync(world, firstSave: null, CancellationToken.None);
        try
        {
            await LogAWalkAsync(world.Id);
            worlds.Watch(0);
            (double aloneSeconds, long bytes, long? gifBytes) = await RenderAsync(world);
            int count = without.Worlds;
            worlds.Watch(count);
            await Task.Delay(TimeSpan.FromSeconds(1));
            worlds.TakeFrameCounts(count);
            (double besideSeconds, _, _) = await RenderAsync(world);
            FpsPerWorld beside = Fps(worlds.TakeFrameCounts(count), besideSeconds);
            // The same worlds as long again right after, without a render: a machine whose load drifts is compared with itself.
            await Task.Delay(TimeSpan.FromSeconds(besideSeconds));
            FpsPerWorld after = Fps(worlds.TakeFrameCounts(count), besideSeconds);
            worlds.Watch(0);
            Console.Error.WriteLine($"bench serve: a clip of {steps} steps rendered in {aloneSeconds:F1} s alone, {besideSeconds:F1} s beside " +
                $"{count} watched worlds, which ran at {beside.Mean:F1} fps per world meanwhile and {after.Mean:F1} as long after it");
            return new ClipBenchResult(steps, bytes, gifBytes, Math.Round(aloneSeconds, 2), Math.Round(steps / aloneSeconds, 1),
                count, Math.Round(besideSeconds, 2), Math.Round(steps / besideSeconds, 1), beside, after);
        }
        finally
        {
            await store.DeleteAsync(world.Id, CancellationToken.None);
        }
    }

    private static FpsPerWorld Fps(long[] frames, double seconds) =>
        new(Math.Round(frames.Average() / seconds, 2), Math.Round(frames.Min() / seconds, 2));

    /// <summary>A player's walk, as the log keeps it: a held key changed every half second.</summary>
    private async Task LogAWalkAsync(string worldId)
    {
        var log = services.GetRequiredService<WorldActionLog>();
        var random = new Random(7);
        int[] held = [.. worlds.Model.Actions.Where(a => !a.Press).Select(a => a.Index)];
        int action = 0;
        for (long step = 1; step <= steps; step++)
        {
            action = step % 10 == 1 ? held[random.Next(held.Length)] : action;
            log.Append(worldId, step, action);
        }
        await log.FlushAsync(CancellationToken.None);
    }

    /// <summary>Seconds from asking to ready, the clip's bytes (its files together) and its GIF's (none for a longer clip).</summary>
    private async Task<(double Seconds, long Bytes, long? GifBytes)> RenderAsync(WorldRecord world)
    {
        var clips = services.GetRequiredService<ClipStore>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var clip = new ClipRecord
        {
            Id = ClipIds.New(), WorldId = world.Id, OwnerId = owner, Address = "bench", FromStep = 1, ToStep = steps, Fps = worlds.Model.Manifest.Fps,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now.AddHours(1),
        };
        var started = Stopwatch.StartNew();
        if (await clips.AddAsync(clip, CancellationToken.None) is { } limit || !services.GetRequiredService<ClipQueue>().TryEnqueue(clip.Id))
        {
            throw new InvalidOperationException("the benchmark's clip was refused by a limit");
        }
        while (await clips.FindAsync(clip.Id, CancellationToken.None) is { Clip.Status: ClipStatus.Queued or ClipStatus.Rendering })
        {
            await Task.Delay(50);
        }
        double seconds = started.Elapsed.TotalSeconds;
        (ClipRecord done, _) = (await clips.FindAsync(clip.Id, CancellationToken.None))!.Value;
        return done.Status == ClipStatus.Ready
            ? (seconds, done.Bytes, (await clips.AnimationAsync(clip.Id, CancellationToken.None))?.LongLength)
            : throw new InvalidOperationException($"the benchmark's clip failed: {done.Error}");
    }
}

/// <summary>What <c>bench serve --clip-steps N</c> adds: render time alone and beside the watched worlds, and their fps meanwhile.</summary>
public sealed record ClipBenchResult(int Steps, long Bytes, long? GifBytes, double SecondsAlone, double StepsPerSecondAlone,
    int WorldsBeside, double SecondsBeside, double StepsPerSecondBeside, FpsPerWorld FpsPerWorldBeside, FpsPerWorld FpsPerWorldAfter);
