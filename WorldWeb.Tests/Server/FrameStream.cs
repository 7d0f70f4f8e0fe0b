using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>Reads a world's Frames stream in a test.</summary>
public sealed class FrameStream(ChannelReader<FrameMessage> reader, CancellationTokenSource stop) : IAsyncDisposable
{
    public static async Task<FrameStream> OpenAsync(HubConnection connection, string worldId)
    {
        var stop = new CancellationTokenSource();
        ChannelReader<FrameMessage> reader = await connection.StreamAsChannelAsync<FrameMessage>("Frames", worldId, stop.Token);
        return new FrameStream(reader, stop);
    }

    public async Task<FrameMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await reader.ReadAsync(cts.Token);
    }

    /// <summary>
    /// The world's steps per second over <paramref name="window"/> of the server's clock, read off the frames' send
    /// times. A test's own client loops share the cores with the server, so this stream may be read late; counting
    /// by when frames were read would charge that to the world.
    /// </summary>
    public async Task<double> StepsPerSecondAsync(TimeSpan window)
    {
        FrameMessage first = await NextAsync(), last = first;
        while (last.ServerTimeMs - first.ServerTimeMs < window.TotalMilliseconds)
        {
            last = await NextAsync();
        }
        return (last.Step - first.Step) * 1000.0 / (last.ServerTimeMs - first.ServerTimeMs);
    }

    /// <summary>Reads until <paramref name="done"/> holds for a frame, and returns it.</summary>
    public async Task<FrameMessage> UntilAsync(Func<FrameMessage, bool> done, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            FrameMessage frame = await reader.ReadAsync(cts.Token);
            if (done(frame))
            {
                return frame;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        stop.Dispose();
    }
}
