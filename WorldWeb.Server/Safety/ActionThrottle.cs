using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Safety;

/// <summary>
/// The action budget of one hub connection: a token bucket of <see cref="SafetyOptions.ActionsPerSecond"/>.
/// A connection that empties it is refused every action for <see cref="SafetyOptions.ThrottleSeconds"/>.
/// </summary>
internal sealed class ActionThrottle(int perSecond, int throttleSeconds)
{
    private const string Key = "worldweb.actions";
    private readonly Lock _gate = new();
    private double _tokens = perSecond;
    private long _refilledAt = Stopwatch.GetTimestamp();
    private long _throttledUntil;

    public static ActionThrottle Of(HubCallerContext context, SafetyOptions options)
    {
        lock (context.Items)
        {
            if (context.Items.TryGetValue(Key, out object? found) && found is ActionThrottle throttle)
            {
                return throttle;
            }
            var created = new ActionThrottle(options.ActionsPerSecond, options.ThrottleSeconds);
            context.Items[Key] = created;
            return created;
        }
    }

    /// <summary>Takes one action from the budget; false when the connection is over it (and then throttled).</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            if (now < _throttledUntil)
            {
                return false;
            }
            _tokens = Math.Min(perSecond, _tokens + Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }
            _throttledUntil = now + (long)(throttleSeconds * (double)Stopwatch.Frequency);
            return false;
        }
    }
}
