using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Accounts;

/// <summary>
/// Creates the admin of <see cref="AdminOptions"/> at start, after the migrations ran. An existing account with that email
/// that is not an admin is never promoted (it may be anyone's); the log says what the operator can do instead.
/// </summary>
internal sealed partial class AdminBootstrap(IServiceScopeFactory scopes, IOptions<AdminOptions> options, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        AdminOptions admin = options.Value;
        if (string.IsNullOrWhiteSpace(admin.Email) || string.IsNullOrEmpty(admin.Password))
        {
            return;
        }
        var (user, created, errors) = await EnsureAsync(admin.Email, admin.Password);
        if (user is null)
        {
            // The nodes of a cluster start together, each with this configuration: another may be creating the same
            // admin right now (a duplicate, or an account not yet in its role). A second look settles it.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            (user, created, errors) = await EnsureAsync(admin.Email, admin.Password);
        }
        if (user is null)
        {
            LogRefused(logger, admin.Email, string.Join(" ", errors.Select(e => e.Description)));
            return;
        }
        LogAdmin(logger, user.Email, created);
    }

    private async Task<(IdentityUser? User, bool Created, IEnumerable<IdentityError> Errors)> EnsureAsync(string email, string password)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<AdminAccounts>().EnsureAdminAsync(email, password, promoteExisting: false);
        }
        catch (DbUpdateException ex)
        {
            return (null, false, [new IdentityError { Code = "Conflict", Description = ex.InnerException?.Message ?? ex.Message }]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin:Email {Email} was not made an admin: {Reason}")]
    private static partial void LogRefused(ILogger logger, string email, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Email} from configuration (created: {Created})")]
    private static partial void LogAdmin(ILogger logger, string? email, bool created);
}
