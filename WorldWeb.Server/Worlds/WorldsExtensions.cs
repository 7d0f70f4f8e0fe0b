using WorldWeb.Server.Saves;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Stepping;

namespace WorldWeb.Server.Worlds;

public static class WorldsExtensions
{
    /// <summary>Worlds, their saves and share links. Register before AddStepping: hosted services stop in reverse order, and worlds are saved after their schedulers stop.</summary>
    public static WebApplicationBuilder AddWorlds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorldSessionOptions>().BindConfiguration(WorldSessionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorldStore>();
        builder.Services.AddSingleton<ActionMasks>();
        builder.Services.AddSingleton<CallerRights>();
        builder.Services.AddSingleton<PlayerActions>();
        builder.Services.AddSingleton<WorldControls>();
        builder.Services.AddSingleton<ShareLinkStore>();
        builder.Services.AddSingleton<WorldRefs>();
        builder.Services.AddSingleton<WorldSaves>();
        builder.Services.AddSingleton<LinkGrants>();
        builder.Services.AddHostedService<LinkEndings>();
        builder.Services.AddSingleton<WorldReplayer>();
        builder.Services.AddSingleton<ResumePoints>();
        builder.Services.AddSingleton<LogCatchUp>();
        builder.Services.AddSingleton<WorldResumer>();
        builder.Services.AddSingleton<SessionSaver>();
        builder.Services.AddSingleton<WorldDirectory>();
        builder.Services.AddHostedService<WorldShutdown>();
        builder.Services.AddHostedService<IdleWorldReaper>();
        return builder;
    }

    public static WebApplication MapWorlds(this WebApplication app)
    {
        app.MapWorldsApi();
        app.MapSavesApi();
        app.MapLinksApi();
        app.MapActionMasksApi();
        return app;
    }
}
