using WorldWeb.Server.Operations;

namespace WorldWeb.Server.Sharing;

/// <summary>Every second, ends what expired links still let open connections do (<see cref="LinkGrants"/>).</summary>
internal sealed class LinkExpiry(LinkGrants grants, WorkerFaults faults, TimeProvider clock, ILogger<LinkExpiry> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    protected override Task RunOnceAsync(CancellationToken cancellationToken)
    {
        grants.EndExpired();
        return Task.CompletedTask;
    }
}
