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
        builder.Services.AddSingleton<MigrationStatus>();
        builder.Services.AddExceptionHandler<DatabaseOutageHandler>();
        // First of all hosted services, whatever registered theirs before: Data Protection reads its key ring at start,
        // and on a fresh database the table it reads is made by the migrations.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseMigrator>());
        return builder;
    }
}
