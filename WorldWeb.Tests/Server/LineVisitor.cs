using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>A visitor of the line tests: its own address and identity, a world of its own, a hub connection.</summary>
public sealed class LineVisitor : IAsyncDisposable
{
    private LineVisitor(HttpClient http, HubConnection hub, string world) => (Http, Hub, World) = (http, hub, world);

    public HttpClient Http { get; }

    public HubConnection Hub { get; }

    public string World { get; }

    public static async Task<LineVisitor> ArriveAsync(ServerProcess server, string address, long seed, bool isPublic = false)
    {
        var cookies = new CookieContainer();
        HttpClient http = server.Client(cookies, address);
        HttpResponseMessage created = await http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest($"line {seed}", null, seed, isPublic));
        created.EnsureSuccessStatusCode();
        string world = (await created.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
        return new LineVisitor(http, await server.ConnectAsync(cookies, address), world);
    }

    /// <summary>Joins <paramref name="worldRef"/> (its own world by default) and streams it, once its first frame came.</summary>
    public async Task<FrameStream> PlayAsync(string? worldRef = null)
    {
        WorldInfo joined = await Hub.InvokeAsync<WorldInfo>(WorldHubProtocol.JoinWorld, worldRef ?? World);
        FrameStream frames = await FrameStream.OpenAsync(Hub, joined.WorldId);
        await frames.NextAsync();
        return frames;
    }

    /// <summary>Plays its own world as the play page does: when the server is full, after waiting in line for its turn.</summary>
    public async Task<FrameStream> PlayInTurnAsync()
    {
        try
        {
            return await PlayAsync();
        }
        catch (HubException e) when (e.Message.Contains(WorldHubProtocol.ServerFull, StringComparison.Ordinal))
        {
            await UntilAsync(await WaitInLineAsync(), p => p.Admitted);
            return await PlayAsync();
        }
    }

    public Task<ChannelReader<LinePlace>> WaitInLineAsync(CancellationToken cancellationToken = default) =>
        Hub.StreamAsChannelAsync<LinePlace>(WorldHubProtocol.WaitInLine, World, cancellationToken);

    /// <summary>Reads places until one fits; the hub's refusal when the stream ends with one.</summary>
    public static async Task<LinePlace> UntilAsync(ChannelReader<LinePlace> line, Func<LinePlace, bool> done, TimeSpan? timeout = null)
    {
        using var patience = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            LinePlace place;
            try
            {
                place = await line.ReadAsync(patience.Token);
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                throw e.InnerException;  // the stream ended with the hub's refusal
            }
            if (done(place))
            {
                return place;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        Http.Dispose();
    }
}
