using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>
/// A person's whole session in headless Chromium against the real server, database and model: create a world,
/// watch and steer it, save, reload, and share it with a player and a viewer.
/// </summary>
[Trait(Category.Name, Category.Browser)]
public sealed partial class PlayInBrowserTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    /// <summary>The play page's latency: "45 ms, p99 80 ms" (median and 99th percentile over the last 5 s).</summary>
    private const string LatencyPattern = @"^(\d+) ms, p99 (\d+) ms$";

    [Fact]
    public async Task CreatePlaySaveReloadAndShare()
    {
        try
        {
            await RunSessionAsync();
            Assert.Empty(fixture.CspViolations);
        }
        catch
        {
            output.WriteLine(fixture.App.Log);
            throw;
        }
    }

    private async Task PageReportedAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.Address };
        var deadline = DateTime.UtcNow.AddMilliseconds(WaitMs);
        string metrics;
        do
        {
            metrics = await http.GetStringAsync("metrics");
            if (ClientReports().Match(metrics) is { Success: true } reports && int.Parse(reports.Groups[1].Value, CultureInfo.InvariantCulture) >= 1)
            {
                Assert.Matches(@"worldweb_client_fps(\{[^}]*\})? (1\d|2\d)(\.\d+)?\s", metrics);
                return;
            }
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"no play-page report reached /metrics in {WaitMs} ms:\n{string.Join('\n', metrics.Split('\n').Where(l => l.Contains("client", StringComparison.Ordinal)))}");
    }

    [GeneratedRegex(@"worldweb_client_reports(?:\{[^}]*\})? (\d+)")]
    private static partial Regex ClientReports();

    [Fact]
    public async Task UnknownLink_ShowsAClearPage()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("w/this-is-not-a-link");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("This link does not open a world", new() { Timeout = WaitMs });
        Assert.Contains("Ask whoever shared it for a new link", await page.InnerTextAsync("main"));
    }

    [Fact]
    public async Task ServerCrash_PageRejoinsByItselfAndTheWorldGoesOn_WithTheKeyStillHeld()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await OpenPageAsync(context, "crash");
        await page.GotoAsync("");
        await page.FillAsync("#world-title", "Crash test world");
        await CreateWorldAsync(page);
        await WaitForFramesAsync(page, 20);
        // The player holds a key through the crash: the world resumes without it, so the page must send it again.
        await page.ClickAsync(".view");
        await page.Keyboard.DownAsync("KeyA");
        await WaitForStatAsync(page, "latency", LatencyPattern);
        // Saved worlds resume from the save plus the logged actions; give the action log its flush.
        await page.WaitForTimeoutAsync(1500);
        var before = await DrawnStepAsync(page);

        await fixture.App.CrashAndRestartAsync();

        try
        {
            await page.WaitForFunctionAsync(
                "before => Number(document.querySelector('canvas.frame')?.dataset.step ?? -1) > before + 5", before,
                new() { Timeout = WaitMs, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, "crash-timeout");
            output.WriteLine($"drawn step {await DrawnStepAsync(page)}, before the crash {before}\n{fixture.App.Log}");
            throw;
        }
        var log = await FrameLogAsync(page);
        output.WriteLine($"drawn up to step {before} before the crash; after it the page drew on to {log.Keys.Max()}");
        // The rejoined page's stats start afresh: a latency again means a frame acknowledged the key sent after the rejoin.
        await WaitForStatAsync(page, "latency", LatencyPattern);
        await page.Keyboard.UpAsync("KeyA");
        await Assertions.Expect(page.Locator("[role=alert]")).ToHaveCountAsync(0);
        Assert.Equal("owner", await page.InnerTextAsync(".badge.role"));
    }

    private async Task RunSessionAsync()
    {
        await using var ownerContext = await fixture.NewContextAsync();
        var owner = await OpenPageAsync(ownerContext, "owner");

        // Create a world from the lobby.
        await owner.GotoAsync("");
        await owner.FillAsync("#world-title", "Browser test world");
        await owner.FillAsync("#world-seed", "7");
        await CreateWorldAsync(owner);
        await Assertions.Expect(owner.Locator(".badge.role")).ToHaveTextAsync("owner", new() { Timeout = WaitMs });

        // Frames arrive, and the step and the picture move on.
        await WaitForFramesAsync(owner, 10);
        var log = await FrameLogAsync(owner);
        Assert.True(log.Keys.Max() - log.Keys.Min() >= 9, "the step advances with each frame");
        output.WriteLine($"owner drew steps {log.Keys.Min()}..{log.Keys.Max()}, {log.Values.Distinct().Count()} distinct frames");

        // Keys steer the view: holding "turn left" gets acknowledged frames and a different picture.
        Assert.Equal("–", await StatAsync(owner, "latency"));
        await owner.ClickAsync(".view");
        var before = await CanvasAsync(owner);
        await owner.Keyboard.DownAsync("KeyA");
        await WaitForStatAsync(owner, "latency", LatencyPattern);
        await owner.WaitForTimeoutAsync(1200);
        await owner.Keyboard.UpAsync("KeyA");
        Assert.NotEqual(before, await CanvasAsync(owner));
        // The page's own measures, plausible against bench load's (20 fps, p50 ~50 ms on this machine).
        var latency = Regex.Match((await StatAsync(owner, "latency")).Trim(), LatencyPattern);
        var (p50, p99) = (int.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(latency.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(p50 <= p99 && p99 < 2000, $"latency p50 {p50} ms, p99 {p99} ms");
        var fps = double.Parse(Regex.Match((await StatAsync(owner, "fps")).Trim(), @"^(\d+\.\d)\s+of 20$").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(fps, 10, 30); // a 2 s window after a stall on a loaded machine reads a catch-up burst (22.4 in CI)
        Assert.Matches(@"^±\d+ ms$", (await StatAsync(owner, "pacing")).Trim());
        output.WriteLine($"action→frame latency {await StatAsync(owner, "latency")}, fps {await StatAsync(owner, "fps")}, pacing {await StatAsync(owner, "pacing")}");
        // The page reports its measures (once frames span a second, then every 10 s): the server's /metrics counts them.
        await PageReportedAsync();
        await ScreenshotAsync(owner, "play-owner");

        // Save, then reload: the world resumes where it was, not from the start.
        await owner.FillAsync("#save-name", "before reload");
        await owner.ClickAsync("section.saves button[type=submit]");
        var saved = owner.Locator("section.saves [role=status]");
        await Assertions.Expect(saved).ToContainTextAsync("Saved “before reload”", new() { Timeout = WaitMs });
        var savedStep = long.Parse(SavedStep().Match(await saved.InnerTextAsync()).Groups[1].Value, CultureInfo.InvariantCulture);
        var stepBeforeReload = await DrawnStepAsync(owner);
        await owner.ReloadAsync();
        await WaitForFramesAsync(owner, 3);
        var resumedAt = (await FrameLogAsync(owner)).Keys.Min();
        output.WriteLine($"saved at {savedStep}, last drawn {stepBeforeReload}, resumed at {resumedAt}");
        Assert.True(resumedAt >= stepBeforeReload, $"resumed at step {resumedAt}, before the reload it was {stepBeforeReload}");
        await Assertions.Expect(owner.Locator(".save-list")).ToContainTextAsync("before reload");

        // Share a player link and a viewer link.
        await owner.ClickAsync("#share-open");
        var playerUrl = await CreateLinkAsync(owner, WorldRoles.Player);
        var viewerUrl = await CreateLinkAsync(owner, WorldRoles.Viewer);
        await Assertions.Expect(owner.Locator(".link-list li")).ToHaveCountAsync(2);
        await ScreenshotAsync(owner, "share-dialog");

        await using var playerContext = await fixture.NewContextAsync();
        var player = await OpenPageAsync(playerContext, "player");
        await player.GotoAsync(playerUrl);
        await Assertions.Expect(player.Locator(".badge.role")).ToHaveTextAsync("player", new() { Timeout = WaitMs });

        await using var viewerContext = await fixture.NewContextAsync();
        var viewer = await OpenPageAsync(viewerContext, "viewer");
        await viewer.GotoAsync(viewerUrl);
        await Assertions.Expect(viewer.Locator(".badge.role")).ToHaveTextAsync("viewing", new() { Timeout = WaitMs });
        Assert.Equal(0, await viewer.Locator("section.keys").CountAsync());
        Assert.Equal(0, await viewer.Locator("section.saves").CountAsync());

        // All three browsers see the same frames at the same steps.
        await Task.WhenAll(WaitForFramesAsync(owner, 40), WaitForFramesAsync(player, 40), WaitForFramesAsync(viewer, 40));
        var (seen, common) = await StepsSeenByAllAsync([owner, player, viewer], atLeast: 20);
        output.WriteLine($"{common.Count} steps seen by all three browsers");
        Assert.All(common, step =>
        {
            Assert.Equal(seen[0][step], seen[1][step]);
            Assert.Equal(seen[0][step], seen[2][step]);
        });
        await ScreenshotAsync(viewer, "play-viewer");

        // The player can act; the viewer cannot, neither from the page nor by calling the hub itself.
        await player.ClickAsync(".view");
        await player.Keyboard.DownAsync("KeyW");
        await WaitForStatAsync(player, "latency", LatencyPattern);
        await player.Keyboard.UpAsync("KeyW");
        await viewer.ClickAsync(".view");
        await viewer.Keyboard.PressAsync("KeyW");
        await viewer.WaitForTimeoutAsync(500);
        Assert.Equal("–", await StatAsync(viewer, "latency"));
        await AssertViewerCannotActAsync(viewerContext, viewerUrl);

        // Revoking the player link turns it into a clear page for anyone who opens it next.
        await owner.Locator(".link-list li:has(.badge:text-is('player')) button:has-text('Revoke')").ClickAsync();
        await using var lateContext = await fixture.NewContextAsync();
        var late = await OpenPageAsync(lateContext, "late");
        await late.GotoAsync(playerUrl);
        await Assertions.Expect(late.Locator("h1")).ToHaveTextAsync("This link does not open a world", new() { Timeout = WaitMs });
        Assert.Contains("revoked", await late.InnerTextAsync("main"));
        await ScreenshotAsync(late, "link-revoked");

        // Back in the lobby, the owner finds the world among their own.
        var worldPath = new Uri(owner.Url).AbsolutePath;
        await owner.GotoAsync("");
        var mine = owner.Locator("section[aria-label='Your worlds']");
        await Assertions.Expect(mine.Locator($"a[href='{worldPath.TrimStart('/')}']")).ToHaveTextAsync("Browser test world", new() { Timeout = WaitMs });
        await ScreenshotAsync(owner, "lobby");
    }

    /// <summary>
    /// The pages' frame logs once they share <paramref name="atLeast"/> steps. Each log holds a page's last 120
    /// frames, and a page that was busy booting may draw a few seconds behind the others for a while.
    /// </summary>
    private static async Task<(Dictionary<long, string>[] Seen, List<long> Common)> StepsSeenByAllAsync(IPage[] pages, int atLeast)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            Dictionary<long, string>[] seen = await Task.WhenAll(pages.Select(FrameLogAsync));
            List<long> common = [.. seen.Skip(1).Aggregate<Dictionary<long, string>, IEnumerable<long>>(seen[0].Keys, (steps, log) => steps.Intersect(log.Keys))];
            if (common.Count >= atLeast)
            {
                return (seen, common);
            }
            Assert.True(waited.ElapsedMilliseconds < WaitMs,
                $"only {common.Count} steps in common; the pages drew steps {string.Join(", ", seen.Select(log => $"{log.Keys.Min()}..{log.Keys.Max()}"))}");
            await Task.Delay(250);
        }
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserFixture.ShotsFolder);
        var path = Path.Combine(BrowserFixture.ShotsFolder, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    private async Task<IPage> OpenPageAsync(IBrowserContext context, string who)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" || message.Text.Contains("stopped", StringComparison.Ordinal))
            {
                output.WriteLine($"[{who} console {message.Type}] {message.Text}");
            }
        };
        page.PageError += (_, error) => output.WriteLine($"[{who} page error] {error}");
        return page;
    }

    private static async Task<string> CreateLinkAsync(IPage owner, string role)
    {
        var previous = await owner.Locator("#link-url").CountAsync() > 0 ? await owner.InputValueAsync("#link-url") : "";
        await owner.SelectOptionAsync("#link-role", role);
        await owner.ClickAsync("button:has-text('Create link')");
        await owner.WaitForFunctionAsync(
            "previous => { const v = document.querySelector('#link-url')?.value; return v && v !== previous; }",
            previous, new() { Timeout = WaitMs });
        var url = await owner.InputValueAsync("#link-url");
        Assert.Matches("/w/[A-Za-z0-9_-]+$", url);
        return url;
    }

    private async Task AssertViewerCannotActAsync(IBrowserContext viewerContext, string viewerUrl)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in await viewerContext.CookiesAsync())
        {
            cookies.Add(new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.Address, "hubs/world"), o => o.Cookies = cookies)
            .AddMessagePackProtocol()
            .Build();
        await hub.StartAsync();
        var world = await hub.InvokeAsync<WorldInfo>("JoinWorld", viewerUrl[(viewerUrl.LastIndexOf('/') + 1)..]);
        Assert.Equal(WorldRoles.Viewer, world.Role);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("SendAction", world.WorldId, 1, 1L));
        output.WriteLine($"the hub told the viewer: {refused.Message}");
    }

    [GeneratedRegex(@"at step (\d+)")]
    private static partial Regex SavedStep();
}
