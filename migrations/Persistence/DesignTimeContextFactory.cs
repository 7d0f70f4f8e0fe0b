using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WorldWeb.Persistence;

/// <summary>For <c>dotnet ef migrations add</c>, which needs a provider but never connects.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<WorldWebDbContext>
{
    public WorldWebDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WorldWebDbContext>()
            .UseNpgsql("Host=localhost;Database=worldweb", npgsql => npgsql.MigrationsAssembly("WorldWeb.Migrations"))
            .UseSnakeCaseNamingConvention()
            .Options);
}
