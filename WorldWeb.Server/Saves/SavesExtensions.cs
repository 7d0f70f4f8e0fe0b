namespace WorldWeb.Server.Saves;

public static class SavesExtensions
{
    public static WebApplicationBuilder AddSaves(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WorldSaves>();
        return builder;
    }
}
