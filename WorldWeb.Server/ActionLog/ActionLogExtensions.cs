namespace WorldWeb.Server.ActionLog;

public static class ActionLogExtensions
{
    public static WebApplicationBuilder AddActionLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ActionLogOptions>().BindConfiguration(ActionLogOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WorldActionLog>();
        builder.Services.AddHostedService<ActionLogWriter>();
        return builder;
    }
}
