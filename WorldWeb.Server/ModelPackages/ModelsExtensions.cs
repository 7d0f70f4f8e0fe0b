using WorldWeb.Inference.Runtime;

namespace WorldWeb.Server.ModelPackages;

public static class ModelsExtensions
{
    public static WebApplicationBuilder AddModels(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModelCatalogOptions>().BindConfiguration(ModelCatalogOptions.SectionName)
            .PostConfigure(options =>
            {
                if (options.Packages.Count == 0)
                {
                    options.Packages.Add(ModelCatalogOptions.DefaultPackage);
                }
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddHealthChecks().AddCheck<ModelHealthCheck>("models");
        return builder;
    }
}
