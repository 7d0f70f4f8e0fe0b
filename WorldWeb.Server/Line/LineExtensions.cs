namespace WorldWeb.Server.Line;

public static class LineExtensions
{
    /// <summary>The line for a place when the server is full (its grain is found by Orleans in this assembly).</summary>
    public static WebApplicationBuilder AddLine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LineOptions>().BindConfiguration(LineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JoinLine>();
        return builder;
    }
}
