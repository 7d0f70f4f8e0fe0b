using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// The last held action one hub connection sent to each world, kept so that a relay can send it again when the world
/// resumes on another node (kill -9 of its owner): the resumed world holds no key, while the player still does.
/// Presses are not kept: each was applied once, and sending one again would apply it twice.
/// </summary>
internal static class HeldActions
{
    public static ConcurrentDictionary<string, HeldAction> Of(HubCallerContext context) => ConnectionMaps.Of<HeldAction>(context, "worldweb.held");
}

internal sealed record HeldAction(int Action, long Seq, WorldCaller Caller);
