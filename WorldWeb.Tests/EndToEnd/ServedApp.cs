using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>
/// The real WorldWeb.Server process on Kestrel at a free loopback port, in a fresh database of the PostgreSQL
/// the test script started (dropped afterwards), serving a real model package.
/// </summary>
public sealed class ServedApp : IAsyncDisposable
{
    private readonly ProcessStartInfo start;
    private readonly StringBuilder log = new();
    private readonly string adminConnection;
    private readonly string database;
    private Process process;

    private ServedApp(ProcessStartInfo start, Uri address, string adminConnection, string database)
    {
        this.start = start;
        Address = address;
        this.adminConnection = adminConnection;
        this.database = database;
        start.Environment["Admin__Email"] = AdminEmail;
        start.Environment["Admin__Password"] = AdminPassword;
        process = Launch();
    }

    public Uri Address { get; }

    /// <summary>The admin the server makes from its environment at start, fresh for each database.</summary>
    public string AdminEmail { get; } = $"admin-{Guid.NewGuid():N}@worldweb.test";

    public string AdminPassword { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <param name="settings">Configuration for this server on top of appsettings.json, as environment variables (<c>Memory__EverySteps</c>).</param>
    public static async Task<ServedApp> StartAsync(string serverDll, string connectionString, string modelFolder,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = $"worldweb_e2e_{Guid.NewGuid():N}"[..32];
        await ExecuteAsync(connectionString, $"CREATE DATABASE {database}");
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var folder = Path.GetDirectoryName(serverDll)!;
        var start = new ProcessStartInfo("dotnet", [serverDll, "--urls", address.ToString().TrimEnd('/'), "--contentRoot", folder])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As ./worldweb run starts it: Production, from the build output.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__WorldWeb"] = new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
        start.Environment["Models__Packages__0"] = modelFolder;
        start.Environment["Database__InteractiveSeconds"] = "30";  // as ServerProcess: a loaded CI machine stalls for seconds
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var app = new ServedApp(start, address, connectionString, database);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return app;
    }

    /// <summary>Kills the server hard (no shutdown, no final save) and starts it again on the same port and database.</summary>
    public async Task CrashAndRestartAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Append("---- killed, restarting ----");
        process = Launch();
        await WaitHealthyAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(adminConnection, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    private Process Launch()
    {
        var launched = Process.Start(start)!;
        launched.OutputDataReceived += (_, e) => Append(e.Data);
        launched.ErrorDataReceived += (_, e) => Append(e.Data);
        launched.BeginOutputReadLine();
        launched.BeginErrorReadLine();
        return launched;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"WorldWeb.Server exited with {process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting (migrations, model load).
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"WorldWeb.Server was not healthy within {timeout}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    /// <summary>Runs one SQL statement (a CREATE or DROP DATABASE of a test's own).</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
