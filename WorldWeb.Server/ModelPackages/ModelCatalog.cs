using Microsoft.Extensions.Options;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.ModelPackages;

/// <summary>
/// The model packages this server serves: those of Models:Packages, loaded at start, plus any an admin loads
/// at runtime from a folder under <see cref="Root"/>. Safe to use from any thread.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    /// <summary>Action indices travel as one byte in the action log.</summary>
    public const int MaxActions = 256;

    private readonly Dictionary<string, LoadedModel> _models = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly InferenceOptions _inference;
    private readonly ILogger<ModelCatalog> _logger;

    public ModelCatalog(IOptions<ModelCatalogOptions> options, IOptions<InferenceOptions> inference, ILogger<ModelCatalog> logger)
    {
        (_inference, _logger) = (inference.Value, logger);
        foreach (string folder in options.Value.Packages)
        {
            Add(Open(Path.GetFullPath(folder),
                "Make one with ./worldweb train and ./worldweb export, or point Models:Packages at an existing package folder"));
        }
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.Root
            ?? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.Packages[0])))
            ?? Directory.GetCurrentDirectory()));
        DefaultName = options.Value.Default ?? _models.Keys.First();
        if (!_models.ContainsKey(DefaultName))
        {
            throw new OptionsValidationException(ModelCatalogOptions.SectionName, typeof(ModelCatalogOptions),
                [$"Models:Default names '{DefaultName}', which is not among the loaded models"]);
        }
    }

    public string DefaultName { get; }

    /// <summary>The only folder under which <see cref="Load"/> opens packages, so the admin API cannot probe the rest of the disk.</summary>
    public string Root { get; }

    public IReadOnlyList<LoadedModel> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _models.Values];
            }
        }
    }

    public LoadedModel? Find(string name)
    {
        lock (_gate)
        {
            return _models.GetValueOrDefault(name);
        }
    }

    /// <summary>Loads the package in <paramref name="folder"/> (relative to <see cref="Root"/>, or absolute under it).</summary>
    /// <exception cref="ModelFolderException">The folder is outside the root or holds no package the server can serve.</exception>
    /// <exception cref="ModelConflictException">A model of the same name is already loaded.</exception>
    public LoadedModel Load(string folder)
    {
        string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(Root, folder)));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelFolderException($"'{folder}' is not a folder under the model root {Root}");
        }
        LoadedModel model;
        try
        {
            model = Open(path, $"Export a package into a folder under {Root}");
        }
        catch (ModelPackageException ex)
        {
            throw new ModelFolderException(ex.Message, ex);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
        {
            throw new ModelFolderException($"{path}: ONNX Runtime cannot load model.onnx ({ex.Message})", ex);
        }
        Add(model);
        return model;
    }

    /// <summary>Takes a model out of the catalog without disposing it; the caller disposes its package once nothing uses it.</summary>
    public bool Remove(string name)
    {
        lock (_gate)
        {
            return _models.Remove(name);
        }
    }

    private LoadedModel Open(string path, string hint)
    {
        if (!File.Exists(Path.Combine(path, ModelManifest.FileName)))
        {
            throw new ModelPackageException(path, $"no model package here (world.json is missing). {hint}");
        }
        var model = new LoadedModel(ModelPackage.Load(path, _inference, _logger));
        if (model.Manifest.Actions.Count > MaxActions)
        {
            model.Package.Dispose();
            throw new ModelPackageException(path, $"the server supports at most {MaxActions} actions");
        }
        return model;
    }

    private void Add(LoadedModel model)
    {
        lock (_gate)
        {
            if (_models.TryAdd(model.Name, model))
            {
                _logger.LogInformation("Model {Model} {Version} serves from {Folder} at {Fps} fps",
                    model.Name, model.Manifest.Version, model.Package.Folder, model.Manifest.Fps);
                return;
            }
        }
        model.Package.Dispose();
        throw new ModelConflictException($"{model.Package.Folder}: a model named '{model.Name}' is already loaded");
    }

    public void Dispose()
    {
        foreach (LoadedModel model in All)
        {
            model.Package.Dispose();
        }
    }
}
