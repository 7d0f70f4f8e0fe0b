using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Play;

namespace WorldWeb.Server.Safety;

/// <summary>
/// Around every hub call: a log scope with the connection and world ids, the per-connection action budget,
/// and a count of refusals for /metrics.
/// </summary>
public sealed class HubGuard(IOptions<SafetyOptions> options, ServerMetrics metrics, ILogger<HubGuard> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        string? worldId = invocation.HubMethodArguments.Count > 0 ? invocation.HubMethodArguments[0] as string : null;
        using IDisposable? scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ConnectionId"] = invocation.Context.ConnectionId,
            ["WorldId"] = worldId,
        });
        SafetyOptions safety = options.Value;
        if (invocation.HubMethodName == nameof(WorldHub.SendAction) && !ActionThrottle.Of(invocation.Context, safety).TryTake())
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
    }
}
