using Microsoft.Playwright;
using WorldWeb.Tests.Server;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>
/// Debian's Chromium driven by Playwright against <see cref="ServedApp"/>, on the server tests' PostgreSQL and
/// model package (<see cref="TestEnvironment"/>). ./worldweb test installs Chromium; Playwright never downloads
/// a browser here.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    /// <summary>
    /// Memory that keeps where a world has been, so a browser test can come back to it: a memory at least every 10 steps
    /// wherever the world stands (the default waits up to 200 steps when the view changes little), and no merging (by
    /// default a newer memory within 0.3 cells replaces the older one, so a world lingering in one place keeps only a
    /// fresh memory of it, never one old enough to count as a revisit). The revisit rule itself stays the default.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> MemorySettings = new Dictionary<string, string>
    {
        ["Memory__EverySteps"] = "10",
        ["Memory__SameSpotCells"] = "0",
    };

    /// <summary>The served app's configuration on top of appsettings.json; a fixture for a differently configured server overrides it.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => MemorySettings;

    private IPlaywright? playwright;
    private ServedApp? app;
    private IBrowser? browser;

    public ServedApp App => app ?? throw new InvalidOperationException("the fixture is not started");

    /// <summary>Screenshots land here for a person to look at.</summary>
    public static string ShotsFolder =>
        Environment.GetEnvironmentVariable("WORLDWEB_E2E_SHOTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Path.GetTempPath(), "worldweb-e2e");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium (./worldweb test does).");
        }

        app = await ServedApp.StartAsync(ServerDll(), TestEnvironment.ConnectionString, TestEnvironment.ModelFolder, Settings);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>What Chromium refused under the server's Content-Security-Policy, on any page of any context; a test that ends with some fails.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    public async Task<IBrowserContext> NewContextAsync()
    {
        IBrowserContext context = await browser!.NewContextAsync(new()
        {
            BaseURL = App.Address.ToString(),
            ViewportSize = new() { Width = 1100, Height = 760 },
        });
        // A page's first wait includes booting the WebAssembly app, which on a busy 2-core CI machine (a server, a
        // player's page and other test classes at once) has outlasted Playwright's 30 s default.
        context.SetDefaultTimeout(PageProbe.WaitMs);
        context.Page += (_, page) => page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                CspViolations.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        return context;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    // The server's own build output, in the configuration these tests were built in (the test project
    // references the server, so it is built first); WORLDWEB_E2E_SERVER points at another, e.g. a published one.
    private static string ServerDll()
    {
        if (Environment.GetEnvironmentVariable("WORLDWEB_E2E_SERVER") is { Length: > 0 } chosen)
        {
            return chosen;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "WorldWeb.Server", "bin", configuration, "net10.0", "WorldWeb.Server.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"WorldWeb.Server is not built: {dll} is missing.");
    }
}
