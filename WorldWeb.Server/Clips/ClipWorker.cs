using Microsoft.Extensions.Options;
using WorldWeb.Server.Database;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Renders queued clips, <see cref="ClipOptions.Renderers"/> at a time, each on a <see cref="RenderThread"/> of the
/// lowest priority: never on a world's tick, and never ahead of it for the cores. A render that fails for a reason of
/// its own fails its clip; one that faults is logged and reported by /healthz, and the next clip renders all the same.
/// </summary>
public sealed partial class ClipWorker(ClipQueue queue, ClipRenderer renderer, ClipStore clips, WorkerFaults faults, IOptions<ClipOptions> options,
    ILogger<ClipWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Renderers).Select(i => RenderOnItsThreadAsync($"clip render {i}", stoppingToken)));

    private async Task RenderOnItsThreadAsync(string name, CancellationToken stoppingToken)
    {
        using var thread = new RenderThread(name, logger);
        await Task.Factory.StartNew(() => RenderLoopAsync(name, stoppingToken), CancellationToken.None, TaskCreationOptions.DenyChildAttach, thread).Unwrap();
    }

    private async Task RenderLoopAsync(string name, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (string clipId in queue.Waiting.ReadAllAsync(stoppingToken))
            {
                ClipRender render = queue.Begin(clipId);
                try
                {
                    await renderer.RenderAsync(clipId, render, stoppingToken);
                    faults.Succeeded(name);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A fault of one render (the database away while it ends, a bug) must not stop the others.
                    bool transient = Database.DatabaseFaults.IsTransient(ex);
                    faults.Failed(name, ex, transient);
                    LogFault(logger, ex, clipId);
                    await FailAsync(clipId, transient ? "The database went away while this clip rendered; ask for it again."
                        : "The server failed to render this clip; ask for it again, and tell its operator if it fails again.");
                }
                finally
                {
                    queue.End(clipId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Tells the one who asked; with the database away the sweep will, once no server holds the clip.</summary>
    private async Task FailAsync(string clipId, string reason)
    {
        try
        {
            await clips.FailAsync(clipId, reason, CancellationToken.None);
        }
        catch (Exception ex) when (Database.DatabaseFaults.IsTransient(ex))
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Clip {ClipId}: its render faulted")]
    private static partial void LogFault(ILogger logger, Exception exception, string clipId);
}
