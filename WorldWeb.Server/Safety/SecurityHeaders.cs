namespace WorldWeb.Server.Safety;

/// <summary>The security headers of every answer, errors included (401, 403, 404, 429, 500).</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// What WorldWeb's own pages need and nothing more: scripts and the Blazor WebAssembly runtime from this origin
    /// (<c>wasm-unsafe-eval</c> compiles the .NET runtime's WebAssembly, it allows no JavaScript eval), styles and
    /// fetches from this origin (the hub's WebSocket included), the favicon's <c>data:</c> URL, no plugins, no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// First in the pipeline, and set as the answer starts: any middleware's own answer, and the exception handler's
    /// (which clears the headers of the failed one), carries them too.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                IHeaderDictionary headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                // Share-link tokens are in page URLs; never hand them to another site as a referrer.
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }
}
