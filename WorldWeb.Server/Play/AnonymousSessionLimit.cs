using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Stops (saves and unloads) worlds of anonymous owners that have been live for
/// <see cref="SafetyOptions.MaxAnonymousSessionSeconds"/>; joined clients are told why. Worlds of accounts
/// run as long as they are watched.
/// </summary>
internal sealed partial class AnonymousSessionLimit(
    WorldDirectory directory,
    IDbContextFactory<WorldWebDbContext> contexts,
    WorldEndings endings,
    IOptions<SafetyOptions> options,
    WorkerFaults faults,
    TimeProvider clock,
    ILogger<AnonymousSessionLimit> logger) : PeriodicWorker(faults, clock, logger)
{
    private readonly ConcurrentDictionary<WorldSession, DateTimeOffset> _liveSince = new();

    protected override TimeSpan Every => TimeSpan.FromSeconds(1);

    public static string Reason(int seconds) =>
        $"Worlds of visitors without an account run at most {seconds / 60.0:0.#} minutes at a time; sign up to play longer, or join again.";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        WorldSession[] live = [.. directory.Live];
        foreach (WorldSession gone in _liveSince.Keys.Except(live))
        {
            _liveSince.TryRemove(gone, out _);
        }
        int limit = options.Value.MaxAnonymousSessionSeconds;
        var expired = live.Where(s => now - _liveSince.GetOrAdd(s, now) >= TimeSpan.FromSeconds(limit))
            .Select(s => (Session: s, Owner: directory.OwnerOf(s.Id))).Where(e => e.Owner is not null).ToArray();
        if (expired.Length == 0)
        {
            return;
        }
        string[] owners = [.. expired.Select(e => e.Owner!).Distinct()];
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        HashSet<string> accounts = [.. await db.Users.Where(u => owners.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken)];
        foreach ((WorldSession session, string? owner) in expired.Where(e => !accounts.Contains(e.Owner!)))
        {
            string reason = Reason(limit);
            if (await endings.StopHereAsync(session.Id, reason, cancellationToken))
            {
                LogStopped(logger, session.Id, owner, limit);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} of anonymous owner {OwnerId} stopped after {Seconds} s live")]
    private static partial void LogStopped(ILogger logger, string worldId, string? ownerId, int seconds);
}
