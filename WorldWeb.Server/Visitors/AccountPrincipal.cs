using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace WorldWeb.Server.Visitors;

/// <summary>
/// A signed-in account rides in the same cookie as an anonymous visitor: the account id as the name
/// identifier (so world ownership works the same), plus its email, its roles and a marker claim; its security
/// stamp and when the account was last read, for <c>Accounts.AccountRevalidation</c>.
/// </summary>
public static class AccountPrincipal
{
    private const string AccountClaim = "worldweb.account";
    private const string StampClaim = "worldweb.stamp";
    private const string CheckedClaim = "worldweb.checked";

    public static ClaimsPrincipal For(IdentityUser user, IEnumerable<string> roles, DateTimeOffset checkedAt)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Email, user.Email ?? ""),
            new(AccountClaim, "1"),
            new(StampClaim, user.SecurityStamp ?? ""),
            new(CheckedClaim, checkedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. roles.Select(r => new Claim(ClaimTypes.Role, r)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Email, ClaimTypes.Role));
    }

    public static string? SecurityStamp(this ClaimsPrincipal user) => user.FindFirstValue(StampClaim);

    /// <summary>When the account behind the cookie was last read from the database (never: the Unix epoch).</summary>
    public static DateTimeOffset CheckedAt(this ClaimsPrincipal user) =>
        DateTimeOffset.FromUnixTimeSeconds(long.TryParse(user.FindFirstValue(CheckedClaim), out long seconds) ? seconds : 0);

    public static bool IsAccount(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == AccountClaim);

    public static string? Email(this ClaimsPrincipal user) => user.IsAccount() ? user.FindFirstValue(ClaimTypes.Email) : null;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsAccount() && user.IsInRole(AccountRoles.Admin);
}
