using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Database;

public static class DatabaseExtensions
{
    public const string ConnectionName = "WorldWeb";

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        string connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}); ./worldweb run sets it");
        builder.Services.AddDbContextFactory<WorldWebDbContext>(options => options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly("WorldWeb.Migrations").EnableRetryOnFailure(3))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new StatementBudgetInterceptor()));
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Cookies are encrypted with Data Protection keys; kept in the database, they outlive a restart, hold on every
        // node, and a file left on the server's disk cannot forge a cookie.
        // A certificate outside the database encrypts them there (KeyEncryption); without one the start-up log says so.
        IDataProtectionBuilder keys = builder.Services.AddDataProtection().SetApplicationName("WorldWeb").PersistKeysToDbContext<WorldWebDbContext>();
        if (!KeyEncryption.Configure(keys, builder.Configuration))
        {
            builder.Services.AddHostedService<KeysInTheClearNotice>();
        }
        builder.Services.AddSingleton<MigrationStatus>();
        builder.Services.AddSingleton<WriteBacklog>();
        // First of all hosted services, whatever registered theirs before: Data Protection reads its key ring at start,
        // and on a fresh database the table it reads is made by the migrations.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseMigrator>());
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }
}
