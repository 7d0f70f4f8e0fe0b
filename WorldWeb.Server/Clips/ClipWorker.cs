using Microsoft.Extensions.Options;
using WorldWeb.Server.Operations;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Renders queued clips, <see cref="ClipOptions.Renderers"/> at a time, each on a <see cref="RenderThread"/> of the
/// lowest priority: never on a world's tick, and never ahead of it for the cores. A render that fails for a reason of
/// its own fails its clip; one that faults is logged and reported by /healthz, and the next clip renders all the same.
/// </summary>
public sealed partial class ClipWorker(ClipQueue queue, ClipRenderer renderer, WorkerFaults faults, IOptions<ClipOptions> options, ILogger<ClipWorker> logger)
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
                    faults.Failed(name, ex, transient: Persistence.DatabaseFaults.IsTransient(ex));
                    LogFault(logger, ex, clipId);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Clip {ClipId}: its render faulted; the clip stays unfinished until the sweep fails it")]
    private static partial void LogFault(ILogger logger, Exception exception, string clipId);
}
