using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Visitors;

/// <summary>What the database says of an account now: the security stamp its sessions must carry, and whether it is an admin.</summary>
public sealed record AccountStanding(string SecurityStamp, bool IsAdmin);

/// <summary>Reads the standing of many accounts in one query, for the connections that are signed in as them.</summary>
public sealed class AccountStandings(IDbContextFactory<WorldWebDbContext> contexts)
{
    /// <summary>The standing of each of <paramref name="accountIds"/> that still exists; a deleted account is absent.</summary>
    public async Task<Dictionary<string, AccountStanding>> ReadAsync(IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        // Identity stores role names upper-cased (its default normalizer).
        string admin = AccountRoles.Admin.ToUpperInvariant();
        var rows = await db.Users.AsNoTracking()
            .Where(u => accountIds.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.SecurityStamp,
                IsAdmin = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == admin)),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Id, r => new AccountStanding(r.SecurityStamp ?? "", r.IsAdmin), StringComparer.Ordinal);
    }
}
