namespace WorldWeb.Server.Line;

public static class LineExtensions
{
    /// <summary>The line for a place when the server is full (its grain is found by Orleans in this assembly).</summary>
    public static WebApplicationBuilder AddLine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LineOptions>().BindConfiguration(LineOptions.SectionName).ValidateDataAnnotations()
            // A place must outlive a renewal that comes late, or a client waiting on a busy node loses its place.
            .Validate(o => o.LeaseSeconds * 1000 >= 2 * o.RenewMilliseconds, "Line:LeaseSeconds must last at least two renewals (Line:RenewMilliseconds).")
            .ValidateOnStart();
        builder.Services.AddSingleton<LineAdmission>();
        builder.Services.AddSingleton<JoinLine>();
        return builder;
    }
}
