using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.ModelPackages;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (ModelCatalog catalog) => GetModels(catalog)).WithName("GetModels").RequireAuthorization(Policies.Visitor);
        return app;
    }

    private static Ok<ModelInfo[]> GetModels(ModelCatalog catalog) =>
        TypedResults.Ok(catalog.All.Select(m => m.ToInfo(m.Name == catalog.DefaultName)).ToArray());
}
