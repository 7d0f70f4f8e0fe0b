using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Every second, closes the worlds made private to the connections here that watched them only because they were
/// public (<see cref="PublicWatches"/>): one read of the worlds held that way (none: no read), so a change made
/// through any node reaches this one within a second or so, as revoked links do (<c>LinkEndings</c>).
/// </summary>
internal sealed class PublicEndings(PublicWatches watches, WorldStore store, WorkerFaults faults, TimeProvider clock, ILogger<PublicEndings> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> held = watches.HeldWorlds();
        if (held.Count == 0)
        {
            return;
        }
        HashSet<string> stillPublic = await store.PublicAmongAsync(held, cancellationToken);
        foreach (string closed in held.Where(id => !stillPublic.Contains(id)))
        {
            watches.MadePrivate(closed);
        }
    }
}
