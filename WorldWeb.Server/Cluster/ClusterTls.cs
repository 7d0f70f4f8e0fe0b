using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using WorldWeb.Server.Safety;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// Mutual TLS between the nodes of a cluster: every silo connection, in and out, presents the cluster's certificate
/// (<see cref="NodeOptions.CertificatePath"/>) and accepts only a peer that presents the same one — pinned by its
/// SHA-256 thumbprint, so a self-signed certificate needs no CA and no other certificate, however valid, gets in.
/// Without the setting the silo is plain TCP, which only loopback may carry.
/// </summary>
public static class ClusterTls
{
    public const string PathKey = NodeOptions.SectionName + ":CertificatePath";

    public static void Configure(ISiloBuilder silo, NodeOptions node, IPAddress advertised)
    {
        if (node.CertificatePath is not { Length: > 0 } path)
        {
            if (!IPAddress.IsLoopback(advertised))
            {
                throw new InvalidOperationException(
                    $"Cluster:AdvertisedAddress '{node.AdvertisedAddress}' is not a loopback address, and the silo port has no authentication of its own: "
                    + $"set {PathKey} (environment Cluster__CertificatePath) to the cluster's certificate file, the same on every node (made on first start when missing). docs/cluster.md");
            }
            return;
        }
        X509Certificate2 certificate = CertificateFile.LoadOrCreate(path, "CN=WorldWeb cluster", PathKey);
        byte[] pinned = certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Self-signed, so the platform's chain and name checks fail by design; the pin is the check.
            tls.RemoteCertificateValidation = (remote, _, _) =>
                remote.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned);
            tls.OnAuthenticateAsClient = (_, client) => client.TargetHost = "WorldWeb cluster";
        });
    }
}
