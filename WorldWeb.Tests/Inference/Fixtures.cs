using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Tests.Inference;

/// <summary>The model packages of WorldWeb.Tests/Fixtures, as copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string File(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static ModelPackage Load(string name, InferenceOptions? options = null) =>
        ModelPackage.Load(Folder(name), options ?? new InferenceOptions(), NullLogger.Instance);

    /// <summary>The repository root (the folder holding WorldWeb.sln), or null when the tests run elsewhere.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "WorldWeb.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
