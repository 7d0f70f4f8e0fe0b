using Microsoft.AspNetCore.SignalR;

namespace WorldWeb.Server.Play;

public static class PlayExtensions
{
    public static WebApplicationBuilder AddPlay(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = WorldHub.MaximumReceiveMessageSize;
            options.EnableDetailedErrors = false;
            options.AddFilter<Safety.HubGuard>();
        }).AddMessagePackProtocol();
        builder.Services.AddSingleton<WorldNotices>();
        builder.Services.AddSingleton<WorldEndings>();
        return builder;
    }

    public static WebApplication MapPlay(this WebApplication app)
    {
        app.MapHub<WorldHub>(WorldHub.Path);
        return app;
    }
}
