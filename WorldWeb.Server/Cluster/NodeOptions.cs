using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// This server as a node of a WorldWeb cluster (an Orleans silo; membership in the same PostgreSQL). A single
/// server is a cluster of one, on the same code path.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Nodes with the same id and database form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Id { get; set; } = "worldweb";

    /// <summary>The address other nodes reach this one's silo port at: an IP address, or a host name resolved at start.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The cluster's certificate (a PKCS#12 file without a password, made on first start when missing): nodes talk over
    /// mutual TLS and accept only a node that presents this same certificate. Every node needs the same file; a node
    /// whose <see cref="AdvertisedAddress"/> is not loopback refuses to start without it.
    /// </summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The silo port nodes talk on; 0 picks a free one at start (tests, throwaway nodes).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Where clients reach this node's web server (its base URL); empty: the first address it listens on.</summary>
    public string Url { get; set; } = "";

    /// <summary>How long a node may miss its probes before the others declare it dead and take its worlds over.</summary>
    [Range(1, 600)]
    public double ProbeSeconds { get; set; } = 1;
}
