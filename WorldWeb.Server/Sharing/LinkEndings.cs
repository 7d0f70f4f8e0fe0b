
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Sharing;

/// <summary>
/// Every second, ends what expired or revoked links still let this node's open connections do (<see cref="LinkGrants"/>).
/// A link revoked through another node is seen here by one read of the links held here (none: no read), so revocation
/// reaches every node within a second or so without a message between nodes that could be lost with its sender.
/// </summary>
internal sealed class LinkEndings(LinkGrants grants, ShareLinkStore links, WorkerFaults faults, TimeProvider clock, ILogger<LinkEndings> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        grants.EndExpired();
        IReadOnlyCollection<Guid> held = grants.HeldLinks();
        if (held.Count == 0)
        {
            return;
        }
        HashSet<Guid> standing = await links.StandingAsync(held, cancellationToken);
        foreach (Guid gone in held.Where(id => !standing.Contains(id)))
        {
            grants.Revoke(gone);
        }
    }
}
