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

    // Why the server closed the connection. A server that refuses one (too many from this address) closes it right
    // after the handshake, so a join sent then fails with "not active"; the player should read the server's reason.
    private readonly TaskCompletionSource<Exception?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HubWorldConnection(NavigationManager navigation)
    {
        connection = new HubConnectionBuilder()
            .WithUrl(navigation.ToAbsoluteUri(HubPath))
            .AddMessagePackProtocol()
            .Build();
        connection.On<string, string?>(WorldHubProtocol.WorldPaused, (worldId, reason) => PausedChanged?.Invoke(worldId, reason));
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
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
        catch (Exception e) when (e is InvalidOperationException or IOException && connection.State == HubConnectionState.Disconnected)
        {
            // The close event follows the state change on the thread pool: give it a moment to say why.
            Exception? why = await closed.Task.WaitAsync(TimeSpan.FromSeconds(2), ct).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
            throw new WorldJoinException(why is HubException refused ? ServerMessage(refused) : "The server closed the connection. Reload the page to try again.", e);
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
