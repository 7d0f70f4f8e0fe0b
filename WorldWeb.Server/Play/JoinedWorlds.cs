using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

/// <summary>The worlds one hub connection has joined, with the role it joined each as.</summary>
internal static class JoinedWorlds
{
    private const string Key = "worldweb.joined";

    public static ConcurrentDictionary<string, string> Of(HubCallerContext context)
    {
        // Hub calls of one connection may run concurrently, so the first one to get here creates the map.
        lock (context.Items)
        {
            if (context.Items.TryGetValue(Key, out object? joined) && joined is ConcurrentDictionary<string, string> worlds)
            {
                return worlds;
            }
            var created = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            context.Items[Key] = created;
            return created;
        }
    }
}
