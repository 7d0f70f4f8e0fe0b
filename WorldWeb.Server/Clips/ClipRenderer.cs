using System.Diagnostics;
using Microsoft.Extensions.Options;
using WorldWeb.Inference.Stepping;
using WorldWeb.Persistence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Renders one clip: replays the world's history from a save (<see cref="WorldHistory"/>) on a model of its own, off
/// the tick, pipes the frames of the clip's steps to the encoder, writes the events file beside them, reports progress
/// and stores the result. Whatever goes wrong fails the clip with a message for the one who asked.
/// </summary>
public sealed partial class ClipRenderer(ClipStore clips, WorldStore worlds, WorldHistory history, ModelCatalog catalog, ClipEncoder encoder,
    IOptions<ClipOptions> options, TimeProvider clock, ILogger<ClipRenderer> logger)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    internal async Task RenderAsync(string clipId, ClipRender render, CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(render.Token, stopping);
        CancellationToken cancellationToken = both.Token;
        string? failure;
        try
        {
            if (await clips.StartAsync(clipId, cancellationToken) is not { } clip)
            {
                return;  // deleted while it waited
            }
            long started = Stopwatch.GetTimestamp();
            RenderedClip rendered = await RenderAsync(clip, render, cancellationToken);
            await clips.FinishAsync(clip.Id, rendered, cancellationToken);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            LogRendered(logger, clip.Id, clip.WorldId, clip.ToStep - clip.FromStep + 1, seconds, rendered.Video.Length);
            return;
        }
        catch (ClipRenderException ex)
        {
            failure = ex.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = render.CancelReason ?? (stopping.IsCancellationRequested ? "The server stopped while it rendered this clip; ask for it again." : null);
        }
        if (failure is not null)
        {
            LogFailed(logger, clipId, failure);
            await clips.FailAsync(clipId, failure, CancellationToken.None);
        }
    }

    private async Task<RenderedClip> RenderAsync(ClipRecord clip, ClipRender render, CancellationToken cancellationToken)
    {
        WorldRecord world = await worlds.FindAsync(clip.WorldId, cancellationToken) ?? throw new ClipRenderException("The world was deleted.");
        LoadedModel model = catalog.Find(world.Model)
            ?? throw new ClipRenderException($"The world's model '{world.Model}' is not loaded on the server that took this clip.");
        await WaitForLogAsync(world.Id, clip.ToStep, cancellationToken);
        HistoryReplay replay = await history.ReplayAsync(world, model, clip.FromStep, clip.ToStep, cancellationToken);
        if (!render.Use(model))
        {
            throw new ClipRenderException("The world's model was unloaded from the server while this clip rendered; ask for it again.");
        }
        var frame = model.Manifest.Frame;
        var events = new ClipEvents(clip.FromStep, clip.Fps, model.Actions);
        string path = Path.Combine(Path.GetTempPath(), $"worldweb-clip-{clip.Id}.mp4");
        string? gif = clip.ToStep - clip.FromStep + 1 <= options.Value.AnimationMaxSteps ? Path.ChangeExtension(path, ".gif") : null;
        try
        {
            using (ClipEncoding encoding = encoder.Start(frame.Width, frame.Height, clip.Fps, path, gif))
            using (WorldModel stepper = model.Package.CreateWorldModel())
            using (StepBatch batch = stepper.CreateBatch(1))
            {
                long total = replay.EndStep - replay.StartStep + 1;
                DateTimeOffset reported = clock.GetUtcNow();
                foreach (ReplayedStep step in replay.Steps(stepper, batch, cancellationToken))
                {
                    if (step.Step >= clip.FromStep)
                    {
                        encoding.Write(step.Frame);
                        events.Add(step.Step, step.Action, step.Who);
                    }
                    if (clock.GetUtcNow() - reported >= ProgressEvery)
                    {
                        reported = clock.GetUtcNow();
                        int percent = (int)(99 * (step.Step - replay.StartStep + 1) / total);
                        if (!await clips.ProgressAsync(clip.Id, percent, cancellationToken))
                        {
                            // Deleted on another node: nobody is left to tell, so it ends as a cancellation without a reason.
                            render.Cancel();
                            cancellationToken.ThrowIfCancellationRequested();
                        }
                    }
                }
                await encoding.FinishAsync(cancellationToken);
            }
            return new RenderedClip(await File.ReadAllBytesAsync(path, cancellationToken), events.ToArray(),
                gif is null ? null : await File.ReadAllBytesAsync(gif, cancellationToken));
        }
        finally
        {
            File.Delete(path);
            if (gif is not null)
            {
                File.Delete(gif);
            }
        }
    }

    /// <summary>A live world writes its log every 250 ms, so a clip up to the step a player sees waits a moment for it.</summary>
    private async Task WaitForLogAsync(string worldId, long toStep, CancellationToken cancellationToken)
    {
        DateTimeOffset until = clock.GetUtcNow().AddSeconds(options.Value.LogWaitSeconds);
        while (true)
        {
            WorldRecord world = await worlds.FindAsync(worldId, cancellationToken) ?? throw new ClipRenderException("The world was deleted.");
            if (world.Step >= toStep)
            {
                return;
            }
            if (clock.GetUtcNow() >= until)
            {
                throw new ClipRenderException($"The world's log reaches step {world.Step}: the steps after it were not played.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Clip {ClipId} of world {WorldId}: {Steps} steps rendered in {Seconds:0.0} s, {Bytes} bytes")]
    private static partial void LogRendered(ILogger logger, string clipId, string worldId, long steps, double seconds, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clip {ClipId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string clipId, string reason);
}
