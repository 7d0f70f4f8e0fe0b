using Microsoft.Extensions.Options;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.Models;

/// <summary>The model packages this server serves, loaded once when the catalog is first needed (at start).</summary>
public sealed class ModelCatalog : IDisposable
{
    /// <summary>Action indices travel as one byte in the action log.</summary>
    public const int MaxActions = 256;

    private readonly Dictionary<string, LoadedModel> _models = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<ModelCatalogOptions> options, IOptions<InferenceOptions> inference, ILogger<ModelCatalog> logger)
    {
        foreach (string folder in options.Value.Packages)
        {
            string path = Path.GetFullPath(folder);
            if (!File.Exists(Path.Combine(path, ModelManifest.FileName)))
            {
                throw new ModelPackageException(path,
                    "no model package here (world.json is missing). Make one with ./worldweb train and ./worldweb export, " +
                    "or point Models:Packages at an existing package folder");
            }
            var model = new LoadedModel(ModelPackage.Load(path, inference.Value, logger));
            if (model.Manifest.Actions.Count > MaxActions)
            {
                throw new ModelPackageException(path, $"the server supports at most {MaxActions} actions");
            }
            if (!_models.TryAdd(model.Name, model))
            {
                throw new ModelPackageException(path, $"a model named '{model.Name}' is already loaded");
            }
            logger.LogInformation("Model {Model} {Version} serves from {Folder} at {Fps} fps", model.Name, model.Manifest.Version, path, model.Manifest.Fps);
        }
        DefaultName = options.Value.Default ?? _models.Keys.First();
        if (!_models.ContainsKey(DefaultName))
        {
            throw new OptionsValidationException(ModelCatalogOptions.SectionName, typeof(ModelCatalogOptions),
                [$"Models:Default names '{DefaultName}', which is not among the loaded models"]);
        }
    }

    public string DefaultName { get; }

    public IEnumerable<LoadedModel> All => _models.Values;

    public LoadedModel? Find(string name) => _models.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (LoadedModel model in _models.Values)
        {
            model.Package.Dispose();
        }
    }
}
