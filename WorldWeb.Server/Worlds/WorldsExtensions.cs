namespace WorldWeb.Server.Worlds;

public static class WorldsExtensions
{
    /// <summary>Worlds as data: their store, their sessions' options and their action masks.</summary>
    public static WebApplicationBuilder AddWorlds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorldSessionOptions>().BindConfiguration(WorldSessionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorldStore>();
        builder.Services.AddSingleton<ActionMasks>();
        return builder;
    }
}
