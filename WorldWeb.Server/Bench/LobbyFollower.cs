using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Bench;

/// <summary>A lobby page as it reads the lobby now: one <c>GET /api/lobby/live/stream</c> held for the whole visit.</summary>
internal static class LobbyFollower
{
    public static async Task VisitAsync(Uri server, int visitor, int visitors, LobbyReads reads, CountdownEvent firstRound, CancellationToken stop)
    {
        // No timeout: the response never ends while the page stays.
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            await LobbyVisitors.SpreadAsync(visitor, visitors, stop);
            using HttpResponseMessage response = await http.GetAsync(LobbyStreamEvents.Path, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            await using Stream body = await response.Content.ReadAsStreamAsync(stop);
            bool first = true;
            await foreach (SseItem<Read> item in SseParser.Create(body, ReadEvent).EnumerateAsync(stop))
            {
                bool snapshot = item.EventType == LobbyStreamEvents.Snapshot;
                reads.Add(snapshot ? (DateTimeOffset.UtcNow - item.Data.At).TotalMilliseconds : null, item.Data.Bytes, !snapshot);
                if (first)
                {
                    first = false;
                    firstRound.Signal();
                }
            }
            throw new InvalidOperationException("the server ended a lobby stream while the page stayed");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>An event's data bytes, and for a snapshot when the server began to build it.</summary>
    private readonly record struct Read(int Bytes, DateTimeOffset At);

    private static Read ReadEvent(string eventType, ReadOnlySpan<byte> data)
    {
        if (eventType != LobbyStreamEvents.Snapshot)
        {
            return new Read(data.Length, default);
        }
        // "at" comes first; the page reads the whole snapshot, but the bench's clients spend no more CPU than they must
        // on a machine they share with the server.
        var json = new Utf8JsonReader(data);
        while (json.Read())
        {
            if (json.TokenType == JsonTokenType.PropertyName && json.ValueTextEquals("at") && json.Read())
            {
                return new Read(data.Length, json.GetDateTimeOffset());
            }
        }
        throw new JsonException("a lobby snapshot without \"at\"");
    }
}
