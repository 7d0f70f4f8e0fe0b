using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Operations;

/// <summary><c>POST /api/play/stats</c>: a play page's measures (<see cref="PlayStatsReport"/>), for /metrics and the admin's nodes view. docs/protocol.md.</summary>
public static class PlayStatsApi
{
    /// <summary>Above this a latency or a pacing is not a measure but a stalled page (a minute).</summary>
    private const double MaxMs = 60_000;

    private const double MaxFps = 1_000;

    public static IEndpointRouteBuilder MapPlayStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/play/stats", Report).RequireAuthorization(Policies.Visitor);
        return app;
    }

    private static Results<NoContent, ValidationProblem, ProblemHttpResult> Report(PlayStatsReport? report, ClaimsPrincipal user, HttpContext http, PlayStats stats)
    {
        if (Invalid(report) is { } invalid)
        {
            return invalid;
        }
        if (!stats.Add(user.UserId() ?? "", report!))
        {
            int retry = (int)Math.Ceiling(PlayStats.MinInterval.TotalSeconds);
            http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many reports",
                detail: $"A visitor's play stats count at most once every {retry} s; send the next one later.");
        }
        return TypedResults.NoContent();
    }

    private static ValidationProblem? Invalid(PlayStatsReport? report) => report switch
    {
        null => ApiProblems.Invalid("body", "Send a JSON body: latencyP50Ms, latencyP99Ms, latencySamples, fps, pacingMs."),
        { LatencyP50Ms: { } p50 } when !InRange(p50, MaxMs) => Ms("latencyP50Ms"),
        { LatencyP99Ms: { } p99 } when !InRange(p99, MaxMs) => Ms("latencyP99Ms"),
        { LatencyP50Ms: { } p50, LatencyP99Ms: { } p99 } when p50 > p99 =>
            ApiProblems.Invalid("latencyP99Ms", $"latencyP99Ms ({p99}) is below latencyP50Ms ({p50}); a 99th percentile is at least the median."),
        { LatencyP50Ms: null, LatencyP99Ms: not null } or { LatencyP50Ms: not null, LatencyP99Ms: null } =>
            ApiProblems.Invalid("latencyP99Ms", "latencyP50Ms and latencyP99Ms come together, or both are null."),
        { LatencySamples: < 0 } => ApiProblems.Invalid("latencySamples", "latencySamples is how many actions were answered: a whole number from 0."),
        { Fps: { } fps } when !InRange(fps, MaxFps) => ApiProblems.Invalid("fps", $"fps must be from 0 to {MaxFps}, or null."),
        { PacingMs: { } pacing } when !InRange(pacing, MaxMs) => Ms("pacingMs"),
        { LatencyP50Ms: null, Fps: null, PacingMs: null } => ApiProblems.Invalid("body", "The report has no measure: send latency, fps or pacing."),
        _ => null,
    };

    private static bool InRange(double value, double max) => double.IsFinite(value) && value >= 0 && value <= max;

    private static ValidationProblem Ms(string field) => ApiProblems.Invalid(field, $"{field} must be milliseconds from 0 to {MaxMs}, or null.");
}
