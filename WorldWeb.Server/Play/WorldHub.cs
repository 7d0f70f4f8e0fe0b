using System.Threading.Channels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Play;

/// <summary>
/// Playing a world: join it (by id or share token), stream its frames, send actions. Every refusal is a
/// <see cref="HubException"/> to that caller only; other connections and worlds carry on. docs/protocol.md
/// documents it for third-party clients. Whether a world runs here or on another node of the cluster is
/// <see cref="LiveWorlds"/>' business; the client cannot tell either. The hub reads who and where the caller is and
/// hands each call to the service whose job it is.
/// </summary>
[Authorize(Policy = Policies.Visitor)]
public sealed class WorldHub(PlayConnections connections, WorldJoins joins, FrameStreams streams, SentActions actions,
    IOptions<SafetyOptions> safety)
    : Hub<IWorldClient>
{
    public const string Path = WorldHubProtocol.Path;

    /// <summary>Join and action messages are tiny; anything bigger is not from a WorldWeb client.</summary>
    public const long MaximumReceiveMessageSize = 4 * 1024;

    /// <summary>The client's address key (<see cref="ClientAddress"/>), as the forwarded-headers middleware left it.</summary>
    private string Address => ClientAddress.KeyOf(Context.GetHttpContext()?.Connection.RemoteIpAddress, safety.Value.Ipv6PrefixLength);

    public static string GroupOf(string worldId) => $"world:{worldId}";

    public override async Task OnConnectedAsync()
    {
        await connections.ConnectedAsync(Context, Address);
        await base.OnConnectedAsync();
    }

    public Task<WorldInfo> JoinWorld(string worldRef) => joins.JoinAsync(Context, Groups, Address, worldRef);

    /// <summary>
    /// A place in line for a world that needs a place the server does not have now (<c>JoinWorld</c> said
    /// <see cref="WorldHubProtocol.ServerFull"/>): the caller's position as it changes, until an item admits it and it
    /// joins. Its rights are checked first, so nobody waits to be refused; ending the stream or the connection leaves
    /// the line.
    /// </summary>
    public Task<ChannelReader<LinePlace>> WaitInLine(string worldRef, CancellationToken cancellationToken) =>
        joins.WaitInLineAsync(Context, Address, worldRef, cancellationToken);

    /// <summary>The world's frames from its current one on, until the caller cancels or leaves.</summary>
    public Task<ChannelReader<FrameMessage>> Frames(string worldId, CancellationToken cancellationToken) =>
        streams.OpenAsync(Context, Address, worldId, cancellationToken);

    public Task SendAction(string worldId, int action, long seq) => actions.SendAsync(Context, worldId, action, seq);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Disconnected(Context, Address);
        return base.OnDisconnectedAsync(exception);
    }
}
