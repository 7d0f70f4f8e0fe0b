using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace WorldWeb.Server.Visitors;

/// <summary>
/// Every visitor is someone: a request without the identity cookie gets a new random id, signed into a
/// long-lived cookie, and owns the worlds it creates from then on.
/// </summary>
public static class AnonymousIdentity
{
    public const string CookieName = "worldweb.id";

    public static WebApplicationBuilder AddAnonymousIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(365);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        return builder;
    }

    public static WebApplication UseAnonymousIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            if (context.User.UserId() is null)
            {
                var principal = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, NewId())], CookieAuthenticationDefaults.AuthenticationScheme));
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, Persistent);
                context.User = principal;
            }
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// A cookie that outlives the browser session (365 days, sliding), as docs/protocol.md promises: a session cookie
    /// would lose an anonymous visitor's worlds when the browser closes.
    /// </summary>
    public static AuthenticationProperties Persistent => new() { IsPersistent = true };

    /// <summary>The caller's anonymous id, or null for a caller without one.</summary>
    public static string? UserId(this ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
