namespace WorldWeb.Server.Safety;

/// <summary>
/// Request forgery protection for the cookie-authenticated API and hub: a browser marks every request with
/// where it came from (Sec-Fetch-Site, or at least Origin), so a page on another site that makes a visitor's
/// browser post to /api or open /hubs is refused, whatever its form or content type. Requests without either
/// header do not come from a browser page (SignalR clients, curl, tests) and carry no ambient cookie to abuse.
/// </summary>
public static class CrossOriginGuard
{
    public static bool IsCrossOrigin(HttpRequest request)
    {
        bool guarded = request.Path.StartsWithSegments("/hubs")
            || (request.Path.StartsWithSegments("/api") && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)));
        if (!guarded)
        {
            return false;
        }
        string? site = request.Headers["Sec-Fetch-Site"];
        if (!string.IsNullOrEmpty(site))
        {
            // "none" is the user's own navigation (typed URL, bookmark).
            return site is not ("same-origin" or "none");
        }
        string? origin = request.Headers.Origin;
        return !string.IsNullOrEmpty(origin)
            && !(Uri.TryCreate(origin, UriKind.Absolute, out Uri? from)
                 && string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
                 && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
