using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.Accounts;

/// <summary>
/// A cookie is signed for a year, but an account's rights are the database's: at most every
/// <see cref="AccountOptions.RevalidateSeconds"/> the account behind a cookie is read again. Deleted, or its
/// security stamp changed (password reset, sign-out everywhere): the cookie ends and the caller is a new anonymous
/// visitor. Its roles changed (an admin demoted): the cookie is reissued with the roles it has now.
/// </summary>
public static class AccountRevalidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal || !principal.IsAccount() || principal.UserId() is not { } id)
        {
            return;
        }
        IServiceProvider services = context.HttpContext.RequestServices;
        TimeSpan every = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<AccountOptions>>().Value.RevalidateSeconds);
        DateTimeOffset now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (now - principal.CheckedAt() < every)
        {
            return;
        }
        UserManager<IdentityUser> users = services.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser? account;
        IList<string> roles;
        try
        {
            account = await users.FindByIdAsync(id);
            roles = account is null ? [] : await users.GetRolesAsync(account);
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            // The database is away: keep the rights last read (at most one interval old), try again next request.
            return;
        }
        if (account is null || account.SecurityStamp != principal.SecurityStamp())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        context.ReplacePrincipal(AccountPrincipal.For(account, roles, now));
        context.ShouldRenew = true;
    }
}
