using WorldWeb.Memory;

namespace WorldWeb.Server.MemoryStorage;

public static class MemoryStorageExtensions
{
    /// <summary>The memory store and its writer. Register before AddWorlds: hosted services stop in reverse order, so the last memories are flushed after worlds are saved.</summary>
    public static WebApplicationBuilder AddMemory(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MemoryPolicy>().BindConfiguration(MemoryPolicy.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MemoryMetrics>();
        builder.Services.AddSingleton<MemoryStore>();
        builder.Services.AddHostedService<MemoryWriter>();
        return builder;
    }
}
