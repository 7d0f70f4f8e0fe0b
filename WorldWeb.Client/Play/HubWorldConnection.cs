using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>The world hub over SignalR with the MessagePack protocol (frames are binary).</summary>
public sealed class HubWorldConnection : IWorldConnection
{
    // Relative to the page's base, so a WorldWeb served under a path prefix finds its hub.
    public static readonly string HubPath = WorldHubProtocol.Path.TrimStart('/');

    private readonly HubConnection connection;

    public HubWorldConnection(NavigationManager navigation)
    {
        connection = new HubConnectionBuilder()
            .WithUrl(navigation.ToAbsoluteUri(HubPath))
            .AddMessagePackProtocol()
            .Build();
        connection.On<string, string?>(WorldHubProtocol.WorldPaused, (worldId, reason) => PausedChanged?.Invoke(worldId, reason));
    }

    public event Action<string, string?>? PausedChanged;

    public async Task<WorldInfo> JoinAsync(string worldRef, CancellationToken ct)
    {
        if (connection.State == HubConnectionState.Disconnected)
        {
            await connection.StartAsync(ct);
        }

        try
        {
            return await connection.InvokeAsync<WorldInfo>(WorldHubProtocol.JoinWorld, worldRef, ct);
        }
        catch (HubException e)
        {
            throw new WorldJoinException(ServerMessage(e), e);
        }
    }

    public async IAsyncEnumerable<LinePlace> WaitInLineAsync(string worldRef, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var places = connection.StreamAsync<LinePlace>(WorldHubProtocol.WaitInLine, worldRef, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await places.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (HubException e)
            {
                throw new WorldJoinException(ServerMessage(e), e);
            }

            yield return places.Current;
        }
    }

    public async IAsyncEnumerable<FrameMessage> FramesAsync(string worldId, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var frame in connection.StreamAsync<FrameMessage>(WorldHubProtocol.Frames, worldId, ct))
        {
            yield return frame;
        }
    }

    public Task SendActionAsync(string worldId, int action, long seq, CancellationToken ct) =>
        connection.InvokeAsync(WorldHubProtocol.SendAction, worldId, action, seq, ct);

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    // SignalR prefixes server errors with the invocation failure; the part after it is what the hub said.
    private static string ServerMessage(HubException e)
    {
        const string marker = "HubException: ";
        var i = e.Message.IndexOf(marker, StringComparison.Ordinal);
        return i >= 0 ? e.Message[(i + marker.Length)..] : e.Message;
    }
}

public sealed class HubWorldConnectionFactory(NavigationManager navigation) : IWorldConnectionFactory
{
    public IWorldConnection Create() => new HubWorldConnection(navigation);
}
