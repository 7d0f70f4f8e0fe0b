using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Accounts;

/// <summary>Creates or promotes the admin of <see cref="AdminOptions"/> at start, after the migrations ran.</summary>
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
        var (user, created, errors) = await scope.ServiceProvider.GetRequiredService<AdminAccounts>().EnsureAdminAsync(admin.Email, admin.Password);
        if (user is null)
        {
            throw new InvalidOperationException($"Admin:Email {admin.Email} could not be made an admin: {string.Join(" ", errors.Select(e => e.Description))}");
        }
        LogAdmin(logger, user.Email, created);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Email} from configuration (created: {Created})")]
    private static partial void LogAdmin(ILogger logger, string? email, bool created);
}
