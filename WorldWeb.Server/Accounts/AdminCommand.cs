using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;

namespace WorldWeb.Server.Accounts;

/// <summary>
/// <c>WorldWeb.Server admin create --email E [--promote-existing]</c> (what <c>./worldweb admin create</c> runs):
/// migrates the database and makes E an admin. The password is the first line of stdin when it is redirected and not
/// empty, else generated and printed once. An account E that exists already is promoted only with
/// <c>--promote-existing</c>: anyone may have signed up with E first. This is a command-line program, not the server,
/// so it talks to the console.
/// </summary>
public static class AdminCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "admin";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        int at = Array.IndexOf(args, "--email");
        if (args.Length < 2 || args[1] != "create" || at < 0 || at + 1 >= args.Length)
        {
            await Console.Error.WriteLineAsync("usage: admin create --email EMAIL [--promote-existing]   (password from stdin, or generated when stdin is a terminal)");
            return 2;
        }
        string email = args[at + 1];
        bool promoteExisting = args.Contains("--promote-existing");
        string password = Console.IsInputRedirected ? (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "" : "";
        bool generated = password.Length == 0;
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        }

        await using (WorldWebDbContext db = await app.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () => await db.Database.MigrateAsync());
        }
        await using AsyncServiceScope scope = app.Services.CreateAsyncScope();
        var (user, created, errors) = await scope.ServiceProvider.GetRequiredService<AdminAccounts>().EnsureAdminAsync(email, password, promoteExisting);
        if (user is null)
        {
            await Console.Error.WriteLineAsync($"could not make {email} an admin: {string.Join(" ", errors.Select(e => e.Description))}");
            return 1;
        }
        var cli = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "cli")], "cli"));
        await app.Services.GetRequiredService<AuditLog>().RecordAsync(cli, AuditActions.AdminCreated, user.Id, email, CancellationToken.None);
        Console.WriteLine(created ? $"admin {email} created" : $"{email} existed and is now an admin (password unchanged)");
        if (created && generated)
        {
            Console.WriteLine($"password (shown once, not stored anywhere in clear): {password}");
        }
        return 0;
    }
}
