using Microsoft.Extensions.Options;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Every <see cref="ClipOptions.SweepEverySeconds"/>: deletes expired clips, tells the other servers that the clips
/// held here are alive, and fails the unfinished clips of a server that stopped.
/// </summary>
public sealed partial class ClipSweeper(ClipStore clips, ClipQueue queue, IOptions<ClipOptions> options, WorkerFaults faults, TimeProvider clock,
    ILogger<ClipSweeper> logger) : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(options.Value.SweepEverySeconds);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        (int expired, int stale) = await clips.SweepAsync(queue.Held, cancellationToken);
        if (expired + stale > 0)
        {
            LogSwept(logger, expired, stale);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Clips: deleted {Expired} expired, failed {Stale} whose server stopped")]
    private static partial void LogSwept(ILogger logger, int expired, int stale);
}
