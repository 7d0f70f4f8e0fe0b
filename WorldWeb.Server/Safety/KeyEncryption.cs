using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace WorldWeb.Server.Safety;

/// <summary>
/// Encrypts the Data Protection keys at rest: each key is stored in the database encrypted to a certificate kept
/// outside it (<c>DataProtection:CertificatePath</c>, a PKCS#12 file), so a copy of the database alone (a backup, a
/// read-only leak) cannot forge or read a cookie. The file is made on first start (self-signed RSA 3072, readable by
/// its owner only) when it does not exist; every node of a cluster must be given the same file. Keys written before
/// it was set stay readable.
/// </summary>
public static class KeyEncryption
{
    public const string PathKey = "DataProtection:CertificatePath";

    /// <summary>Encrypts the keys to the certificate at <see cref="PathKey"/>; returns false (keys stored in the clear) when it is not set.</summary>
    public static bool Configure(IDataProtectionBuilder keys, IConfiguration configuration)
    {
        if (configuration[PathKey] is not { Length: > 0 } path)
        {
            return false;
        }
        X509Certificate2 certificate = CertificateFile.LoadOrCreate(path, "CN=WorldWeb Data Protection keys", PathKey);
        keys.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return true;
    }
}
