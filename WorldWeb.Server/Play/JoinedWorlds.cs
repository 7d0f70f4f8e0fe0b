using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Play;

/// <summary>The worlds one hub connection has joined, with the role it joined each as and the actions of its model.</summary>
internal static class JoinedWorlds
{
    public static ConcurrentDictionary<string, JoinedWorld> Of(HubCallerContext context) => ConnectionMaps.Of<JoinedWorld>(context, "worldweb.joined");
}

internal sealed record JoinedWorld(string Role, IReadOnlyList<ActionInfo> Actions)
{
    /// <summary>Whether <paramref name="action"/> is a press of this world's model (applied once, never held).</summary>
    public bool IsPress(int action) => action >= 0 && action < Actions.Count && Actions[action].Press;
}
