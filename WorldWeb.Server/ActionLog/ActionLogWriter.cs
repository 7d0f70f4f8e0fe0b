using Microsoft.Extensions.Options;
using WorldWeb.Server.Operations;

namespace WorldWeb.Server.ActionLog;

/// <summary>Flushes the action log on a timer, and once more when the server stops.</summary>
internal sealed class ActionLogWriter(WorldActionLog log, IOptions<ActionLogOptions> options, WorkerFaults faults, TimeProvider clock, ILogger<ActionLogWriter> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => log.FlushAsync(cancellationToken);

    protected override bool RunAtStop => true;
}
