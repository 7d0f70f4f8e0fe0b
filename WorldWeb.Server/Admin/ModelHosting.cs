using WorldWeb.Server.Clips;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Server.Admin;

/// <summary>Serving a model package, or no longer: the catalog's entry, its scheduler, its replay state and its clip renders come and go together.</summary>
public sealed class ModelHosting(ModelCatalog catalog, StepSchedulers schedulers, WorldReplayer replayer, ClipQueue clips)
{
    public enum Unload { Unloaded, NotLoaded, IsDefault, InUse }

    /// <summary>Loads the package in <paramref name="folder"/> and starts stepping its worlds.</summary>
    /// <exception cref="ModelFolderException">The folder is not a loadable package under the model root.</exception>
    /// <exception cref="ModelConflictException">A model of that name is loaded.</exception>
    public LoadedModel Load(string folder)
    {
        LoadedModel model = catalog.Load(folder);
        schedulers.Start(model);
        return model;
    }

    /// <summary>
    /// Unloads a model no live world uses: its scheduler stops, then its package (ONNX sessions, device memory) is freed.
    /// With <see cref="Unload.InUse"/>, <c>LiveWorlds</c> says how many worlds hold it.
    /// </summary>
    public async Task<(Unload Result, int LiveWorlds, LoadedModel? Model)> UnloadAsync(string name)
    {
        if (catalog.Find(name) is not { } model)
        {
            return (Unload.NotLoaded, 0, null);
        }
        if (name == catalog.DefaultName)
        {
            return (Unload.IsDefault, 0, model);
        }
        // Retiring first makes the check atomic with world opens: from here on no world can start on this model.
        if (schedulers.Find(name) is { } scheduler && !scheduler.TryRetire())
        {
            return (Unload.InUse, scheduler.Sessions, model);
        }
        if (!catalog.Remove(name))
        {
            return (Unload.NotLoaded, 0, null);
        }
        await schedulers.StopAsync(name);
        replayer.Forget(model);
        await clips.StopAsync(model);
        model.Package.Dispose();
        return (Unload.Unloaded, 0, model);
    }
}
