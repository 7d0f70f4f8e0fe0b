using Microsoft.Extensions.Options;
using WorldWeb.Server.Database;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.ActionLog;

/// <summary>
/// Flushes the action log on a timer, and once more when the server stops. Each statement within
/// <see cref="DatabaseOptions.WriteSeconds"/>: a hung database costs a flush, which keeps its actions, not the queue's
/// gate for as long as the database hangs.
/// </summary>
internal sealed class ActionLogWriter(WorldActionLog log, IOptions<ActionLogOptions> options, IOptions<DatabaseOptions> database, WorkerFaults faults,
    TimeProvider clock, ILogger<ActionLogWriter> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Write);
        await log.FlushAsync(cancellationToken);
    }

    protected override bool RunAtStop => true;
}
