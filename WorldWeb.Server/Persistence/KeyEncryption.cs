using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace WorldWeb.Server.Persistence;

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
        X509Certificate2 certificate = LoadOrCreate(path);
        keys.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return true;
    }

    public static X509Certificate2 LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            using RSA rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=WorldWeb Data Protection keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var file = new FileStream(path, options);
                file.Write(made.Export(X509ContentType.Pkcs12));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node of this machine made it first: use theirs.
            }
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{PathKey} '{path}' is not a PKCS#12 file without a password holding a certificate and its private key: {ex.Message}", ex);
        }
    }
}
