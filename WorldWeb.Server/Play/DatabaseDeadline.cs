using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.Play;

/// <summary>
/// Around every hub call: the database statements it makes have the interactive budget
/// (<see cref="DatabaseOptions.InteractiveSeconds"/>), and a database that does not answer within it (hung on a lock,
/// or away) is told to the caller as such, at once, not after minutes or as an unexplained error.
/// </summary>
public sealed partial class DatabaseDeadline(IOptions<DatabaseOptions> options, ILogger<DatabaseDeadline> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using DatabaseBudget.Scope budget = DatabaseBudget.Limit(options.Value.Interactive);
        try
        {
            return await next(invocation);
        }
        catch (Exception ex) when (ex is not HubException && DatabaseFaults.IsTransient(ex))
        {
            LogNotAnswering(logger, invocation.HubMethodName, ex.Message);
            throw new HubException(DatabaseFaults.NotAnswering);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub method {Method} refused: the database did not answer in time ({Fault})")]
    private static partial void LogNotAnswering(ILogger logger, string method, string fault);
}
