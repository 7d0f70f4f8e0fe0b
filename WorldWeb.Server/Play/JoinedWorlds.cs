using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

/// <summary>The worlds one hub connection has joined, with the role it joined each as.</summary>
internal static class JoinedWorlds
{
    public static ConcurrentDictionary<string, string> Of(HubCallerContext context) => ConnectionMaps.Of<string>(context, "worldweb.joined");
}
