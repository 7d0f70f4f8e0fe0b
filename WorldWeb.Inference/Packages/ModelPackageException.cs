namespace WorldWeb.Inference.Packages;

/// <summary>A model package that WorldWeb refuses to load; the message names the file and the first problem.</summary>
public sealed class ModelPackageException : Exception
{
    public ModelPackageException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or folder) of the package that is wrong.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
