using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Safety;

/// <summary>
/// Around every hub call: a log scope with the connection and world ids, the per-connection action budget,
/// and a count of refusals for /metrics. SignalR's own dispatcher logs every refusal as an error with a stack
/// trace, which a flood turns into a CPU sink, so appsettings.json silences it and this filter logs only the
/// failures that are not refusals.
/// </summary>
public sealed partial class HubGuard(IOptions<SafetyOptions> options, ServerMetrics metrics, ILogger<HubGuard> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // JoinWorld may carry a share-link token instead of a world id: a secret, which no log may hold.
        string? worldId = invocation.HubMethodArguments.Count > 0 && invocation.HubMethodArguments[0] is string first
            ? Worlds.WorldAccess.LooksLikeWorldId(first) ? first : "(share token)"
            : null;
        using IDisposable? scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ConnectionId"] = invocation.Context.ConnectionId,
            ["WorldId"] = worldId,
        });
        SafetyOptions safety = options.Value;
        if (invocation.HubMethodName == WorldHubProtocol.SendAction && !ActionThrottle.Of(invocation.Context, safety).TryTake())
        {
            metrics.Error("action_rate");
            throw new HubException(
                $"Too many actions: at most {safety.ActionsPerSecond} per second per connection; this connection's actions are refused for {safety.ThrottleSeconds} s.");
        }
        try
        {
            return await next(invocation);
        }
        catch (HubException)
        {
            metrics.Error("hub_refused");
            throw;
        }
        catch (Exception ex) when (LoggedAsFailure(ex, invocation.HubMethodName))
        {
            throw;
        }
    }

    /// <summary>Logs and returns false, so the exception goes on to SignalR untouched.</summary>
    private bool LoggedAsFailure(Exception ex, string method)
    {
        metrics.Error("hub_failed");
        LogFailed(logger, ex, method);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method);
}
