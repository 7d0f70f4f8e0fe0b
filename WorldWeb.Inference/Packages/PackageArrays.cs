using WorldWeb.Inference.Npy;

namespace WorldWeb.Inference.Packages;

/// <summary>Reads a package's <c>.npy</c> file; a file that cannot be read or is no array is the package's fault, named.</summary>
internal static class PackageArrays
{
    /// <param name="what">What the file holds, for the message: "the codebook".</param>
    /// <exception cref="ModelPackageException">The file is missing, unreadable or not a supported array.</exception>
    public static NpyArray Read(string path, string what)
    {
        try
        {
            return NpyReader.Read(path);
        }
        catch (NpyFormatException ex)
        {
            throw new ModelPackageException(path, ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelPackageException(path, $"cannot read {what} ({ex.Message})", ex);
        }
    }
}
