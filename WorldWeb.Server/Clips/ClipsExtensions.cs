namespace WorldWeb.Server.Clips;

public static class ClipsExtensions
{
    /// <summary>Clips of worlds: asked for over the API, rendered off the tick, kept in the database until they expire.</summary>
    public static WebApplicationBuilder AddClips(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClipOptions>().BindConfiguration(ClipOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WorldVisits>();
        builder.Services.AddSingleton<ClipRights>();
        builder.Services.AddSingleton<WorldHistory>();
        builder.Services.AddSingleton<ClipEncoder>();
        builder.Services.AddSingleton<ClipStore>();
        builder.Services.AddSingleton<ClipQueue>();
        builder.Services.AddSingleton<ClipRequests>();
        builder.Services.AddSingleton<ClipRenderer>();
        builder.Services.AddHostedService<ClipWorker>();
        builder.Services.AddHostedService<ClipSweeper>();
        return builder;
    }

    public static WebApplication MapClips(this WebApplication app)
    {
        app.MapClipsApi();
        return app;
    }
}
