namespace WorldWeb.Server.Lobby;

public static class LobbyExtensions
{
    public static WebApplicationBuilder AddLobby(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveGlimpses>();
        builder.Services.AddSingleton<LiveLobby>();
        builder.Services.AddSingleton<LobbyStream>();
        builder.Services.AddSingleton<LastFrames>();
        return builder;
    }
}
