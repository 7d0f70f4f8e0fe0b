using Microsoft.AspNetCore.SignalR;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

public static class PlayExtensions
{
    public static WebApplicationBuilder AddPlay(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = WorldHub.MaximumReceiveMessageSize;
            options.EnableDetailedErrors = false;
            // A WorldWeb client sends its handshake at once; a socket that does not is let go after 5 s, not 15.
            options.HandshakeTimeout = TimeSpan.FromSeconds(5);
            options.AddFilter<Safety.HubGuard>();
            // Inside the guard: a database that does not answer is a refusal (one Warning line), not a failure with a stack trace.
            options.AddFilter<DatabaseDeadline>();
        }).AddMessagePackProtocol();
        builder.Services.AddSingleton<IWorldNotices, WorldNotices>();
        builder.Services.AddSingleton<WorldEndings>();
        builder.Services.AddSingleton<AccountConnections>();
        builder.Services.AddSingleton<PublicWatches>();
        builder.Services.AddHostedService<PublicEndings>();
        builder.Services.AddSingleton<PlayConnections>();
        builder.Services.AddSingleton<JoinChecks>();
        builder.Services.AddSingleton<JoinedRights>();
        builder.Services.AddSingleton<WorldJoins>();
        builder.Services.AddSingleton<FrameStreams>();
        builder.Services.AddSingleton<SentActions>();
        builder.Services.AddHostedService<AccountEndings>();
        builder.Services.AddHostedService<AnonymousSessionLimit>();
        return builder;
    }

    public static WebApplication MapPlay(this WebApplication app)
    {
        app.MapHub<WorldHub>(WorldHub.Path);
        app.MapWorldsApi();
        app.MapWorldSettingsApi();
        app.MapActionMasksApi();
        return app;
    }
}
