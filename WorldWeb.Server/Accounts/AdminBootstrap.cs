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
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var (user, created, errors) = await scope.ServiceProvider.GetRequiredService<AdminAccounts>()
            .EnsureAdminAsync(admin.Email, admin.Password, promoteExisting: false);
        if (user is null)
        {
            LogRefused(logger, admin.Email, string.Join(" ", errors.Select(e => e.Description)));
            return;
        }
        LogAdmin(logger, user.Email, created);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin:Email {Email} was not made an admin: {Reason}")]
    private static partial void LogRefused(ILogger logger, string email, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Email} from configuration (created: {Created})")]
    private static partial void LogAdmin(ILogger logger, string? email, bool created);
}
