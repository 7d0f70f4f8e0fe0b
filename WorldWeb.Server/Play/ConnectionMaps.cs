using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

/// <summary>Maps by world id that one hub connection keeps in its <see cref="HubCallerContext.Items"/>.</summary>
internal static class ConnectionMaps
{
    public static ConcurrentDictionary<string, TValue> Of<TValue>(HubCallerContext context, string key)
    {
        // Hub calls of one connection may run concurrently (and a relay reads from its own timer), so the first one
        // to get here creates the map.
        lock (context.Items)
        {
            if (context.Items.TryGetValue(key, out object? found) && found is ConcurrentDictionary<string, TValue> map)
            {
                return map;
            }
            var created = new ConcurrentDictionary<string, TValue>(StringComparer.Ordinal);
            context.Items[key] = created;
            return created;
        }
    }
}
