using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WorldWeb.Server.Safety;

/// <summary>
/// A certificate and its private key in a PKCS#12 file without a password, made on first start when the file does
/// not exist (self-signed RSA 3072, readable by its owner only). Nodes that start at once on one machine or one
/// shared volume end up with the same file: each writes its own under a temporary name and only the first rename wins.
/// </summary>
public static class CertificateFile
{
    /// <param name="setting">The configuration key that named <paramref name="path"/>, for the error message.</param>
    public static X509Certificate2 LoadOrCreate(string path, string subject, string setting)
    {
        if (!File.Exists(path))
        {
            Create(path, subject);
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{setting} '{path}' is not a PKCS#12 file without a password holding a certificate and its private key: {ex.Message}", ex);
        }
    }

    private static void Create(string path, string subject)
    {
        using RSA rsa = RSA.Create(3072);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(temporary, options))
        {
            file.Write(made.Export(X509ContentType.Pkcs12));
        }
        try
        {
            File.Move(temporary, full, overwrite: false);
        }
        catch (IOException) when (File.Exists(full))
        {
            // Another node made it first: use theirs.
            File.Delete(temporary);
        }
    }
}
