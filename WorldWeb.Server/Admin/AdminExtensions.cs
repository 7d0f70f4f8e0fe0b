namespace WorldWeb.Server.Admin;

public static class AdminExtensions
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ModelHosting>();
        builder.Services.AddSingleton<ProcessCpu>();
        builder.Services.AddSingleton<GpuStatus>();
        builder.Services.AddSingleton<SessionHistory>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SessionHistory>());
        return builder;
    }
}
