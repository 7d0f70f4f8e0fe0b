using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

/// <summary>
/// The last action one hub connection sent to each world, kept so that a relay can send it again when the world
/// resumes on another node (kill -9 of its owner): the resumed world holds no key, while the player still does.
/// </summary>
internal static class HeldActions
{
    private const string Key = "worldweb.held";

    public static ConcurrentDictionary<string, HeldAction> Of(HubCallerContext context)
    {
        // The relay reads it from its own timer while hub calls of the connection write it.
        lock (context.Items)
        {
            if (context.Items.TryGetValue(Key, out object? held) && held is ConcurrentDictionary<string, HeldAction> actions)
            {
                return actions;
            }
            var created = new ConcurrentDictionary<string, HeldAction>(StringComparer.Ordinal);
            context.Items[Key] = created;
            return created;
        }
    }
}

internal sealed record HeldAction(int Action, long Seq, bool Owner);
