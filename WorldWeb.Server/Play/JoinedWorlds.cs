using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Play;

/// <summary>The worlds one hub connection has joined, with the role it joined each as, the link it joined through and the actions of its model.</summary>
internal static class JoinedWorlds
{
    public static ConcurrentDictionary<string, JoinedWorld> Of(HubCallerContext context) => ConnectionMaps.Of<JoinedWorld>(context, "worldweb.joined");
}

/// <param name="LinkId">The share link the connection joined through (none: by its own right); the world's node checks it on every action.</param>
internal sealed record JoinedWorld(string Role, IReadOnlyList<ActionInfo> Actions, Guid? LinkId = null)
{
    /// <summary>Whether <paramref name="action"/> is a press of this world's model (applied once, never held).</summary>
    public bool IsPress(int action) => action >= 0 && action < Actions.Count && Actions[action].Press;
}
