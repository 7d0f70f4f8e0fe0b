using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Audit;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Admin;

/// <summary>Loading and unloading model packages at runtime: <c>/api/admin/models</c>. Admin role only, through the admin group.</summary>
public static partial class AdminModelsApi
{
    public static RouteGroupBuilder MapAdminModelsApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/models", LoadModel);
        admin.MapDelete("/models/{name}", UnloadModel);
        return admin;
    }

    private static async Task<Results<Created<ModelInfo>, ProblemHttpResult>> LoadModel(
        LoadModelRequest request, ClaimsPrincipal user, [AsParameters] ModelAdminServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Folder))
        {
            return Problem(StatusCodes.Status400BadRequest, "No folder", "Name the package folder to load, under the model root.");
        }
        LoadedModel model;
        try
        {
            model = services.Hosting.Load(request.Folder.Trim());
        }
        catch (ModelFolderException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Cannot load this folder", ex.Message);
        }
        catch (ModelConflictException ex)
        {
            return Problem(StatusCodes.Status409Conflict, "Model already loaded", ex.Message);
        }
        LogLoaded(services.Logger, model.Name, model.Package.Folder, user.Identity?.Name);
        await services.Audit.RecordAsync(user, AuditActions.AdminModelLoad, model.Name, model.Package.Folder, cancellationToken);
        return TypedResults.Created("/api/models", model.ToInfo(isDefault: false));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnloadModel(
        string name, ClaimsPrincipal user, [AsParameters] ModelAdminServices services, CancellationToken cancellationToken)
    {
        (ModelHosting.Unload result, int liveWorlds, LoadedModel? model) = await services.Hosting.UnloadAsync(name);
        switch (result)
        {
            case ModelHosting.Unload.NotLoaded:
                return Problem(StatusCodes.Status404NotFound, "Model not found", $"No model named '{name}' is loaded.");
            case ModelHosting.Unload.IsDefault:
                return Problem(StatusCodes.Status409Conflict, "Default model",
                    $"'{name}' is the default model (Models:Default); new worlds get it, so it cannot be unloaded.");
            case ModelHosting.Unload.InUse:
                return Problem(StatusCodes.Status409Conflict, "Model in use",
                    $"{liveWorlds} live world(s) use '{name}'. Stop them (Live sessions, Stop) and unload again.");
        }
        LogUnloaded(services.Logger, name, user.Identity?.Name);
        await services.Audit.RecordAsync(user, AuditActions.AdminModelUnload, name, model!.Package.Folder, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} loaded from {Folder} by {Admin}")]
    private static partial void LogLoaded(ILogger logger, string model, string folder, string? admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} unloaded by {Admin}")]
    private static partial void LogUnloaded(ILogger logger, string model, string? admin);

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct ModelAdminServices(ModelHosting Hosting, AuditLog Audit, ILogger<ModelCatalog> Logger);
}
