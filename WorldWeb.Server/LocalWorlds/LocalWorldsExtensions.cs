namespace WorldWeb.Server.LocalWorlds;

public static class LocalWorldsExtensions
{
    /// <summary>
    /// The worlds this node runs: opened, resumed, saved and unloaded here, and the rights checked where they run.
    /// Register before AddStepping: hosted services stop in reverse order, and worlds are saved after their schedulers stop.
    /// </summary>
    public static WebApplicationBuilder AddLocalWorlds(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CallerRights>();
        builder.Services.AddSingleton<PlayerActions>();
        builder.Services.AddSingleton<WorldControls>();
        builder.Services.AddSingleton<ResumePoints>();
        builder.Services.AddSingleton<LogCatchUp>();
        builder.Services.AddSingleton<WorldResumer>();
        builder.Services.AddSingleton<SessionSaver>();
        builder.Services.AddSingleton<WorldDirectory>();
        builder.Services.AddHostedService<WorldShutdown>();
        builder.Services.AddHostedService<IdleWorldReaper>();
        return builder;
    }
}
