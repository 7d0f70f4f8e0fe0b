extern alias server;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WorldWeb.Tests.Server;

/// <summary>The real server in-process, on the test database and the test model.</summary>
public sealed class WorldWebFactory : WebApplicationFactory<server::Program>
{
    /// <summary>The admin the server creates from configuration at start; a fresh one per test run, as the test database outlives runs.</summary>
    public static string AdminEmail { get; } = $"admin-{Guid.NewGuid():N}@worldweb.test";

    public static string AdminPassword { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

    /// <summary>The folder admins may load packages from at runtime (Models:Root): empty, and outside the test model's folder.</summary>
    public static string ModelRoot { get; } = Directory.CreateTempSubdirectory("worldweb-models-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:WorldWeb", TestEnvironment.ConnectionString);
        builder.UseSetting("Models:Packages:0", TestEnvironment.ModelFolder);
        builder.UseSetting("Models:Root", ModelRoot);
        builder.UseSetting("Worlds:IdleUnloadSeconds", "3");
        // Long enough that a test sees a run hang while the server goes about its other worlds (ModelFaultHubTests).
        builder.UseSetting("Stepping:RunTimeoutSeconds", "25");
        builder.UseSetting("ActionLog:FlushMilliseconds", "200");
        // The test model hardly moves, so memories are written by the every-N-steps rule; a small budget makes
        // every server test exercise eviction, and autosaves the collection of evicted rows.
        builder.UseSetting("Memory:EverySteps", "3");
        builder.UseSetting("Memory:SameSpotCells", "0");
        builder.UseSetting("Memory:MaxEntries", "6");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // All test clients share one (missing) IP address, so the per-IP limits are out of the way here; SafetyTests set their own.
        builder.UseSetting("Safety:ApiRequestsPerSecondPerIp", "100000");
        builder.UseSetting("Safety:WorldsPerMinutePerIp", "100000");
        builder.UseSetting("Safety:JoinsPerMinutePerIp", "100000");
        builder.UseSetting("Safety:MaxConnectionsPerIp", "100000");
        builder.UseSetting("Safety:ConnectsPerMinutePerIp", "100000");
        builder.UseSetting("Safety:MaxWatchedWorldsPerIp", "100000");
        builder.UseSetting("Safety:SignUpsPerHourPerIp", "100000");
        builder.UseSetting("Safety:SignInsPerMinutePerIp", "100000");
        // Each server in the tests is a cluster of one (a fresh id per host built), on a free silo port.
        builder.UseSetting("Cluster:Id", $"test-{Guid.NewGuid():N}");
        builder.UseSetting("Cluster:SiloPort", "0");
        builder.UseSetting("Admin:Email", AdminEmail);
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseEnvironment("Testing");
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<WorldWebFactory>
{
    public const string Name = "server";
}
