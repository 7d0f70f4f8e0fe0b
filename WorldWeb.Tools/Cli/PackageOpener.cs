using Microsoft.Extensions.Logging;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Tools.Cli;

public static class PackageOpener
{
    /// <summary>Loads a model package; a broken package is a usage error whose message names the problem.</summary>
    public static ModelPackage Open(string folder, InferenceOptions options, ILogger logger)
    {
        try
        {
            return ModelPackage.Load(folder, options, logger);
        }
        catch (ModelPackageException e)
        {
            throw new UsageException($"{e.Message} (is --model a folder with world.json? Train and export one with ./worldweb train and ./worldweb export.)");
        }
    }
}
