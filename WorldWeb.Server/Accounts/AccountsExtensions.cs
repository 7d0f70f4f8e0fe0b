using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Accounts;

public static class AccountsExtensions
{
    /// <summary>Accounts (ASP.NET Core Identity stores on PostgreSQL), the policies, the audit log and the first admin. After AddDatabase: the admin is created once the migrations ran.</summary>
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddIdentityCore<IdentityUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<WorldWebDbContext>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Visitor, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsAdmin()));
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme,
            cookie => cookie.Events.OnValidatePrincipal = AccountRevalidation.ValidateAsync);
        builder.Services.AddSingleton<AccountStandings>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddScoped<AdminAccounts>();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        builder.Services.AddHostedService<AdminBootstrap>();
        return builder;
    }
}
