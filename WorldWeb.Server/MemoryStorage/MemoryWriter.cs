using WorldWeb.Server.Operations;

namespace WorldWeb.Server.MemoryStorage;

/// <summary>Flushes journaled memory changes every half second, and once more when the server stops.</summary>
internal sealed class MemoryWriter(MemoryStore store, WorkerFaults faults, TimeProvider clock, ILogger<MemoryWriter> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromMilliseconds(500);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => store.FlushAsync(cancellationToken);

    protected override bool RunAtStop => true;
}
