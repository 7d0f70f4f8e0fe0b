namespace WorldWeb.Server.Coherence;

public static class CoherenceExtensions
{
    public static WebApplicationBuilder AddCoherence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CoherenceOptions>().BindConfiguration(CoherenceOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
