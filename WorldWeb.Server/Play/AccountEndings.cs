using Microsoft.Extensions.Options;
using WorldWeb.Server.Accounts;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Workers;

namespace WorldWeb.Server.Play;

/// <summary>
/// Every <see cref="AccountOptions.OpenConnectionSeconds"/>, ends what deleted, signed-out or demoted accounts still let
/// this node's open hub connections do (<see cref="AccountConnections"/>). The same shape as the share links'
/// <c>LinkEndings</c>: one read of the accounts held here (none: no read), so a change made through any node, or straight
/// in the database, reaches every node's connections without a message between nodes that could be lost with its sender.
/// </summary>
internal sealed partial class AccountEndings(AccountConnections connections, AccountStandings standings, IOptions<AccountOptions> options,
    WorkerFaults faults, TimeProvider clock, ILogger<AccountEndings> logger)
    : PeriodicWorker(faults, clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromSeconds(options.Value.OpenConnectionSeconds);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        connections.CloseDeleted();
        IReadOnlyCollection<string> held = connections.HeldAccounts();
        if (held.Count == 0)
        {
            return;
        }
        int lost = connections.Follow(await standings.ReadAsync(held, cancellationToken));
        if (lost > 0)
        {
            LogLost(logger, lost);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} open hub connections lost rights their account no longer has")]
    private static partial void LogLost(ILogger logger, int count);
}
