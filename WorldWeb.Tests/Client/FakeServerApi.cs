using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WorldWeb.Tests.Client;

/// <summary>
/// Stands in for WorldWeb.Server at the HttpClient boundary: answers the routes a test registers, records every
/// request, and answers anything else 404 with a ProblemDetails body like the real API.
/// </summary>
public sealed class FakeServerApi : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, Func<RecordedRequest, HttpResponseMessage>> routes = new(StringComparer.Ordinal);

    public List<RecordedRequest> Requests { get; } = [];

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://worldweb.test/") };

    public FakeServerApi On(string method, string path, Func<RecordedRequest, HttpResponseMessage> answer)
    {
        routes[$"{method} {path}"] = answer;
        return this;
    }

    public FakeServerApi OnJson(string method, string path, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, path, _ => JsonAnswer(body, status));

    public static HttpResponseMessage JsonAnswer(object body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = JsonContent.Create(body, body.GetType(), options: Json) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string title, string? detail = null)
    {
        var answer = JsonAnswer(new { type = "about:blank", title, status = (int)status, detail }, status);
        answer.Content.Headers.ContentType = new("application/problem+json");
        return answer;
    }

    public IEnumerable<RecordedRequest> Sent(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!.AbsolutePath, body);
        lock (Requests)
        {
            Requests.Add(recorded);
        }

        return routes.TryGetValue($"{recorded.Method} {recorded.Path}", out var answer)
            ? answer(recorded)
            : Problem(HttpStatusCode.NotFound, "Not found", $"No route for {recorded.Method} {recorded.Path}.");
    }
}

public sealed record RecordedRequest(string Method, string Path, string? Body)
{
    public JsonElement Json => JsonDocument.Parse(Body ?? "null").RootElement;
}
