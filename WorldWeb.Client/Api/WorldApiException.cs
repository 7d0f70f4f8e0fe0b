using System.Net.Http.Json;
using System.Text.Json;

namespace WorldWeb.Client.Api;

/// <summary>A failed API call, carrying the server's ProblemDetails text in words a person can act on.</summary>
public sealed class WorldApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public bool IsNotFound => Status == 404;

    internal static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        string? text = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(ct);
            text = problem?.Detail ?? problem?.Title;
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body (a proxy page, an empty 404): fall back to the status.
        }
        catch (NotSupportedException)
        {
            // No JSON content type at all.
        }

        throw new WorldApiException(status, text ?? $"The server answered {status} {response.ReasonPhrase}.");
    }

    private sealed record Problem(string? Title, string? Detail);
}
