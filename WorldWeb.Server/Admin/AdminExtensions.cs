namespace WorldWeb.Server.Admin;

public static class AdminExtensions
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProcessCpu>();
        return builder;
    }
}
