using Microsoft.AspNetCore.Diagnostics;

namespace WorldWeb.Server.Database;

/// <summary>
/// A web request that failed because the database is away (<see cref="DatabaseFaults.IsTransient"/>) is answered 503
/// with <see cref="DatabaseFaults.NotAnswering"/> and a Retry-After, as hub calls are (<c>DatabaseDeadline</c>), not
/// with the bare 500 of a bug. Anything else goes on to the default handler.
/// </summary>
public sealed partial class DatabaseOutageHandler(IProblemDetailsService problems, ILogger<DatabaseOutageHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFaults.IsTransient(exception))
        {
            return false;
        }
        LogNotAnswering(logger, context.Request.Method, context.Request.Path.Value ?? "", exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Database unavailable", Detail = DatabaseFaults.NotAnswering },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} refused: the database did not answer ({Fault})")]
    private static partial void LogNotAnswering(ILogger logger, string method, string path, string fault);
}
