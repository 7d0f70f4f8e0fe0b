using Microsoft.Extensions.Options;
using WorldWeb.Server.Database;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.MemoryStorage;

/// <summary>
/// Flushes journaled memory changes every half second, and once more when the server stops; each statement within
/// <see cref="DatabaseOptions.WriteSeconds"/>, as the action log's writer.
/// </summary>
internal sealed class MemoryWriter(MemoryStore store, IOptions<DatabaseOptions> database, WorkerFaults faults, TimeProvider clock, ILogger<MemoryWriter> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(500);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Write);
        await store.FlushAsync(cancellationToken);
    }

    protected override bool RunAtStop => true;
}
