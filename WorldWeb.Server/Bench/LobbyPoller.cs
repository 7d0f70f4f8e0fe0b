using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace WorldWeb.Server.Bench;

/// <summary>
/// A lobby page as it read the lobby before the stream, and as it still does when refused one: <c>GET /api/lobby/live</c>
/// every <see cref="WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery"/>, its ETag sent back.
/// </summary>
internal static class LobbyPoller
{
    public static async Task VisitAsync(Uri server, int visitor, int visitors, LobbyReads reads, CountdownEvent firstRound, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server };
        EntityTagHeaderValue? tag = null;
        bool first = true;
        try
        {
            await LobbyVisitors.SpreadAsync(visitor, visitors, stop);
            using var timer = new PeriodicTimer(WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery);
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/lobby/live");
                if (tag is not null)
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }
                var asked = Stopwatch.StartNew();
                using HttpResponseMessage response = await http.SendAsync(request, stop);
                byte[] body = await response.Content.ReadAsByteArrayAsync(stop);
                if (response.StatusCode != HttpStatusCode.NotModified)
                {
                    response.EnsureSuccessStatusCode();
                    tag = response.Headers.ETag;
                }
                reads.Add(asked.Elapsed.TotalMilliseconds, body.Length, response.StatusCode == HttpStatusCode.NotModified);
                if (first)
                {
                    first = false;
                    firstRound.Signal();
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
