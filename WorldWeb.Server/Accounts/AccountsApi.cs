using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Accounts;

/// <summary>
/// Sign up, sign in, sign out. An anonymous visitor who signs up or in takes its worlds along: they move to the
/// account. Signing out leaves the worlds with the account and makes the caller a new anonymous visitor.
/// </summary>
public static class AccountsApi
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 200;

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder account = app.MapGroup("/api/account").RequireAuthorization(Policies.Visitor);
        account.MapGet("/", Me);
        account.MapPost("/signup", SignUp).RequireRateLimiting(Safety.RateLimits.SignUp);
        account.MapPost("/signin", SignIn).RequireRateLimiting(Safety.RateLimits.SignIn);
        account.MapPost("/signout", SignOut);
        return app;
    }

    private static Ok<AccountInfo> Me(ClaimsPrincipal user) => TypedResults.Ok(InfoOf(user, 0));

    private static async Task<Results<Created<AccountInfo>, ValidationProblem, ProblemHttpResult>> SignUp(
        Credentials request, HttpContext http, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }
        string email = request.Email!.Trim();
        if (await services.Users.FindByEmailAsync(email) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email taken",
                detail: "An account with this email exists; sign in instead.");
        }
        var account = new IdentityUser { UserName = email, Email = email };
        IdentityResult created = await services.Users.CreateAsync(account, request.Password!);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(created.Errors
                .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        }
        int claimed = await SignInAsync(http, account, [], services.Worlds, cancellationToken);
        await services.Audit.RecordAsync(http.User, AuditActions.SignUp, account.Id, $"claimed {claimed} anonymous worlds", cancellationToken);
        return TypedResults.Created("/api/account", InfoOf(http.User, claimed));
    }

    private static async Task<Results<Ok<AccountInfo>, ValidationProblem, ProblemHttpResult>> SignIn(
        Credentials request, HttpContext http, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }
        IdentityUser? account = await services.Users.FindByEmailAsync(request.Email!.Trim());
        if (account is not null && await services.Users.IsLockedOutAsync(account))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Account locked",
                detail: "Too many wrong passwords; try again in a few minutes.");
        }
        if (account is null || !await services.Users.CheckPasswordAsync(account, request.Password!))
        {
            if (account is not null)
            {
                await services.Users.AccessFailedAsync(account);
            }
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                detail: "Wrong email or password.");
        }
        await services.Users.ResetAccessFailedCountAsync(account);
        int claimed = await SignInAsync(http, account, await services.Users.GetRolesAsync(account), services.Worlds, cancellationToken);
        return TypedResults.Ok(InfoOf(http.User, claimed));
    }

    private static async Task<NoContent> SignOut(HttpContext http, ClaimsPrincipal user, UserManager<IdentityUser> users)
    {
        // A new security stamp ends the account's sessions for good: a copy of this cookie, the requests of the
        // account's other browsers (at their next revalidation) and every open hub connection (within seconds).
        if (user.IsAccount() && user.UserId() is { } id && await users.FindByIdAsync(id) is { } account)
        {
            await users.UpdateSecurityStampAsync(account);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    /// <summary>Signs the account into the identity cookie; an anonymous caller's worlds move to it first.</summary>
    private static async Task<int> SignInAsync(HttpContext http, IdentityUser account, IEnumerable<string> roles, WorldStore worlds, CancellationToken cancellationToken)
    {
        int claimed = 0;
        if (!http.User.IsAccount() && http.User.UserId() is { } anonymous && anonymous != account.Id)
        {
            claimed = await worlds.ClaimAsync(anonymous, account.Id, cancellationToken);
        }
        ClaimsPrincipal principal = AccountPrincipal.For(account, roles, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, AnonymousIdentity.Persistent);
        http.User = principal;
        return claimed;
    }

    private static ValidationProblem? Validate(Credentials request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > MaxEmailLength || UserText.HasControlCharacters(request.Email))
        {
            errors["email"] = [$"An email of at most {MaxEmailLength} characters, without control characters, is required."];
        }
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength)
        {
            errors["password"] = [$"A password of at most {MaxPasswordLength} characters is required."];
        }
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    private static AccountInfo InfoOf(ClaimsPrincipal user, int claimed) =>
        new(user.UserId() ?? "", user.Email(), user.IsAccount(),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(), claimed);

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct AccountServices(UserManager<IdentityUser> Users, WorldStore Worlds, AuditLog Audit);
}
