using System.Diagnostics;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A PostgreSQL cluster of the test's own (scripts/postgres.sh), for tests that stop and start the database: the shared
/// test database must stay up for every other test. Restarted, it keeps its port.
/// </summary>
public sealed class PrivateDatabase : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("worldweb-pg-").FullName;

    private PrivateDatabase()
    {
    }

    public string ConnectionString { get; private set; } = "";

    public static async Task<PrivateDatabase> StartAsync()
    {
        var database = new PrivateDatabase();
        await database.StartAgainAsync();
        return database;
    }

    public async Task StartAgainAsync() => ConnectionString = (await RunAsync("start", _folder, "outage")).Trim();

    public Task StopAsync() => RunAsync("stop", _folder);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "postgres.sh"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {string.Join(' ', arguments)} failed: {await error}");
        }
        return output;
    }
}
