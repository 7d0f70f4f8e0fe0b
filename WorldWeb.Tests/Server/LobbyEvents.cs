using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Reads <c>GET /api/lobby/live/stream</c> in a test, as its events come: the response (status, headers) and the events
/// in order. Disposing it closes the stream, as a page that leaves does.
/// </summary>
public sealed class LobbyEvents : IAsyncDisposable
{
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private LobbyEvents(HttpResponseMessage response)
    {
        Response = response;
        _reading = ReadAsync();
    }

    public HttpResponseMessage Response { get; }

    /// <summary>The open stream; a refusal (no stream) is returned too, with no events to read.</summary>
    public static async Task<LobbyEvents> OpenAsync(HttpClient http)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        HttpResponseMessage response = await http.GetAsync("/" + LobbyStreamEvents.Path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return new LobbyEvents(response);
    }

    /// <summary>The next event; fails when none comes within <paramref name="timeout"/> or the stream ended.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null) =>
        await TryNextAsync(timeout ?? TimeSpan.FromSeconds(20)) ?? throw new TimeoutException("no lobby event came");

    /// <summary>The next event, or null when none came within <paramref name="wait"/> (or the stream ended).</summary>
    public async Task<SseItem<string>?> TryNextAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Reads snapshot events until one satisfies <paramref name="done"/>.</summary>
    public async Task<LobbySnapshot> SnapshotUntilAsync(Func<LobbySnapshot, bool> done, TimeSpan? timeout = null)
    {
        using var patience = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                SseItem<string> item = await _events.Reader.ReadAsync(patience.Token);
                if (item.EventType == LobbyStreamEvents.Snapshot && Snapshot(item) is var snapshot && done(snapshot))
                {
                    return snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException("no lobby snapshot that the test waits for came");
        }
    }

    /// <summary>Whether the server ended the stream (the events read to their end) within <paramref name="wait"/>.</summary>
    public async Task<bool> EndedAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (await _events.Reader.WaitToReadAsync(timeout.Token))
            {
                _events.Reader.TryRead(out _);
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static LobbySnapshot Snapshot(SseItem<string> item) =>
        JsonSerializer.Deserialize<LobbySnapshot>(item.Data, JsonSerializerOptions.Web)!;

    private async Task ReadAsync()
    {
        try
        {
            if (Response.IsSuccessStatusCode)
            {
                await using Stream body = await Response.Content.ReadAsStreamAsync(_stop.Token);
                await foreach (SseItem<string> item in SseParser.Create(body).EnumerateAsync(_stop.Token))
                {
                    await _events.Writer.WriteAsync(item);
                }
            }
            _events.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _events.Writer.TryComplete(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;  // closed already: a test closes one stream before its end
        }
        await _stop.CancelAsync();
        Response.Dispose();
        await _reading;
    }
}
