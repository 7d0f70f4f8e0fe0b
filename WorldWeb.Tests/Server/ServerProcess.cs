using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using WorldWeb.Client.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.Http.Connections;
using System.Net.Http.Json;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The real WorldWeb.Server.dll in its own process, on the test database and model, on a port of its own: the one
/// given (to start a server again where it was), else one the server binds itself, so no other process can take it
/// between a test choosing it and the server binding it (a CI run's cluster test lost its port that way).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>WorldWeb.Server.dll as built for this test run (Release or Debug).</summary>
    public static string DllPath
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
            return Path.Combine(TestEnvironment.RepositoryRoot, "WorldWeb.Server", "bin", configuration, "net10.0", "WorldWeb.Server.dll");
        }
    }

    /// <param name="port">The port to listen on (<see cref="FreePort"/>, kept to start the server again there); by
    /// default one the server binds itself.</param>
    /// <param name="connectionString">Another database than the test database (a private cluster a test may stop).</param>
    /// <param name="settings">More configuration, as environment variables (<c>Section__Key</c>).</param>
    public static async Task<ServerProcess> StartAsync(int? port = null, string? connectionString = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        string folder = Path.GetDirectoryName(DllPath)!;
        var start = new ProcessStartInfo("dotnet", [DllPath, "--urls", $"http://127.0.0.1:{port ?? 0}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__WorldWeb"] = connectionString ?? TestEnvironment.ConnectionString;
        start.Environment["Models__Packages__0"] = TestEnvironment.ModelFolder;
        // A cluster of one unless the settings say otherwise (the cluster tests name one cluster for several processes).
        start.Environment["Cluster__Id"] = $"test-{Guid.NewGuid():N}";
        start.Environment["Cluster__SiloPort"] = "0";
        // Every node of the tests holds the same cluster certificate, so every cluster test runs over mutual TLS.
        start.Environment["Cluster__CertificatePath"] = ClusterCertificatePath;
        start.Environment["ActionLog__FlushMilliseconds"] = "200";
        // CI's two cores, shared by several servers, PostgreSQL and the tests, stall for seconds at times: a world open that
        // waits 5 s for a flush then failed fast (a CI run's ClusterTests). Failing fast is HungDatabaseTests' and
        // hardening-check's to prove; here it would only be a flake.
        start.Environment["Database__InteractiveSeconds"] = "30";
        // As in WorldWebFactory: memories every 3 steps, 6 kept, so eviction and trimming happen within a test.
        start.Environment["Memory__EverySteps"] = "3";
        start.Environment["Memory__SameSpotCells"] = "0";
        start.Environment["Memory__MaxEntries"] = "6";
        // Every client of a test runs on loopback, one address: per-IP limits are out of the way unless a test sets them.
        start.Environment["Safety__JoinsPerMinutePerIp"] = "100000";
        start.Environment["Safety__MaxConnectionsPerIp"] = "100000";
        start.Environment["Safety__ConnectsPerMinutePerIp"] = "100000";
        start.Environment["Safety__MaxWatchedWorldsPerIp"] = "100000";
        start.Environment["Safety__SignUpsPerHourPerIp"] = "100000";
        start.Environment["Safety__SignInsPerMinutePerIp"] = "100000";
        foreach ((string key, string value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var server = new ServerProcess(Process.Start(start)!);
        using var http = new HttpClient();
        // Three minutes: a CI machine stalled for 3 min once (Orleans' watchdog said so) and a 60 s wait failed a start.
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromMinutes(3); await Task.Delay(250))
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {server._process.ExitCode}:\n{server.Output}");
            }
            try
            {
                // Its own "listening" line first: another test's server on the same port would answer /healthz too.
                if (server.BoundPort(port) is { } bound)
                {
                    server.Address = new Uri($"http://127.0.0.1:{bound}");
                    if ((await http.GetAsync(new Uri(server.Address, "/healthz"))).StatusCode == HttpStatusCode.OK)
                    {
                        return server;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException($"the server did not become healthy:\n{server.Output}");
    }

    /// <summary>The tests' cluster certificate, made by the first node that starts (then shared).</summary>
    public static string ClusterCertificatePath => Path.Combine(TestEnvironment.RepositoryRoot, ".data", "tests", "cluster.pfx");

    public bool HasExited => _process.HasExited;

    /// <summary>The port of the server's "listening" line: <paramref name="port"/>'s, or its first one; null before.</summary>
    private string? BoundPort(int? port)
    {
        string output = Output;
        return port is { } given
            ? output.Contains($"Now listening on: http://127.0.0.1:{given}", StringComparison.Ordinal) ? $"{given}" : null
            : Listening.Match(output) is { Success: true } line ? line.Groups[1].Value : null;
    }

    private static readonly Regex Listening = new(@"Now listening on: http://127\.0\.0\.1:(\d+)", RegexOptions.CultureInvariant);

    private static readonly HashSet<int> PortsGiven = [];

    /// <summary>A port free now and never given before in this test run: the OS may offer a port again as soon as
    /// its listener closes, and two servers of parallel tests on one port fail one start ("address already in use").</summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (PortsGiven)
            {
                if (PortsGiven.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>kill -9: no shutdown hook runs, nothing is saved.</summary>
    public async Task KillHardAsync()
    {
        Process.Start("kill", ["-9", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Ctrl-C or docker stop: the server shuts down gracefully.</summary>
    public async Task<int> StopAsync()
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillHardAsync();
        }
        _process.Dispose();
    }

    /// <summary>A REST client of this server with <paramref name="cookies"/>, from <paramref name="forwardedFor"/> when given.</summary>
    public HttpClient Client(CookieContainer cookies, string? forwardedFor = null)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = Address };
        if (forwardedFor is not null)
        {
            http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }
        return http;
    }

    /// <summary>A started hub connection (WebSockets, MessagePack) with <paramref name="cookies"/>.</summary>
    /// <param name="closed">Told why the connection closed; set before it starts, so a close the server sends at once is heard.</param>
    public async Task<HubConnection> ConnectAsync(CookieContainer cookies, string? forwardedFor = null, Action<Exception?>? closed = null)
    {
        HubConnection connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Address, "/hubs/world"), options =>
            {
                options.Cookies = cookies;
                if (forwardedFor is not null)
                {
                    options.Headers["X-Forwarded-For"] = forwardedFor;
                }
                options.Transports = HttpTransportType.WebSockets;
            })
            .AddMessagePackProtocol()
            .Build();
        if (closed is not null)
        {
            connection.Closed += error =>
            {
                closed(error);
                return Task.CompletedTask;
            };
        }
        await connection.StartAsync();
        return connection;
    }

    public static async Task<string> CreateWorldAsync(HttpClient http, long seed, string title = "test world")
    {
        HttpResponseMessage response = await http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest(title, null, seed));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
    }

    /// <summary>The world's current step and frame, as <c>GET /api/worlds/{id}/frame</c> gives them.</summary>
    public static async Task<(long Step, byte[] Frame)> FrameAsync(HttpClient http, string worldId)
    {
        HttpResponseMessage response = await http.GetAsync($"/api/worlds/{worldId}/frame");
        response.EnsureSuccessStatusCode();
        return (long.Parse(response.Headers.GetValues("X-World-Step").Single(), System.Globalization.CultureInfo.InvariantCulture),
            await response.Content.ReadAsByteArrayAsync());
    }
}
