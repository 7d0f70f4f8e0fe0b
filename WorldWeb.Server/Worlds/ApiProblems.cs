using Microsoft.AspNetCore.Http.HttpResults;

namespace WorldWeb.Server.Worlds;

/// <summary>The ProblemDetails answers the API shares.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult WorldNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "World not found",
            detail: $"There is no world '{id}' that you can see.");

    public static ProblemHttpResult LinkNotFound(string id, string linkId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not found", detail: $"World '{id}' has no link '{linkId}'.");

    public static ProblemHttpResult OwnerOnly(string what) => Refused(CallerRefusedException.OwnerOnly(what));

    /// <summary>A 403 for a caller the node that runs the world refused (<see cref="CallerRefusedException"/>).</summary>
    public static ProblemHttpResult Refused(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only the owner may do this", detail: detail);

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "World unavailable", detail: detail);

    public static ProblemHttpResult TooMany(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Limit reached", detail: detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
