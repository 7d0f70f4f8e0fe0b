using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Operations;

/// <summary>Where <c>/metrics</c> answers, bound from the <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// Serve <c>/metrics</c> only on requests that arrive on this port (elsewhere it is 404). Kestrel must listen on it
    /// too, e.g. <c>ASPNETCORE_URLS="http://0.0.0.0:5080;http://127.0.0.1:9464"</c> keeps the scrape on loopback.
    /// Null: on every port the server listens on.
    /// </summary>
    [Range(1, 65_535)]
    public int? Port { get; set; }
}
