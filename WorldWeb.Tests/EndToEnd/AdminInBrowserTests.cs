using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>The admin flow in Chromium: sign in, see someone's live world on the dashboard, stop it, find the stop in the audit log.</summary>
[Trait(Category.Name, Category.Browser)]
public sealed class AdminInBrowserTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignIn_SeeALiveSession_StopIt_SeeTheAuditEntry()
    {
        try
        {
            await RunAsync();
            Assert.Empty(fixture.CspViolations);
        }
        catch
        {
            output.WriteLine(fixture.App.Log);
            throw;
        }
    }

    private async Task RunAsync()
    {
        await using var playerContext = await fixture.NewContextAsync();
        var player = await playerContext.NewPageAsync();
        await player.GotoAsync("");
        await player.FillAsync("#world-title", "Watched by the admin");
        string worldId = await CreateWorldAsync(player);
        await WaitForFramesAsync(player, 10);

        await using var adminContext = await fixture.NewContextAsync();
        var admin = await adminContext.NewPageAsync();
        await admin.GotoAsync("account");
        await admin.FillAsync("#email", fixture.App.AdminEmail);
        await admin.FillAsync("#password", fixture.App.AdminPassword);
        await admin.ClickAsync("#submit");
        await Assertions.Expect(admin.Locator(".account-email")).ToHaveTextAsync(fixture.App.AdminEmail, new() { Timeout = WaitMs });

        await admin.GotoAsync("admin");
        var row = admin.Locator($"tr.session[data-world='{worldId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = WaitMs });
        await Assertions.Expect(row).ToContainTextAsync("Watched by the admin");
        await admin.WaitForFunctionAsync("() => { const chart = document.querySelector('img.history-chart'); return chart && chart.complete && chart.naturalWidth > 0; }",
            null, new() { Timeout = WaitMs });
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ShotsFolder, "admin-dashboard.png"), FullPage = true });

        await row.Locator("button.stop").ClickAsync();

        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = WaitMs });
        var entry = admin.Locator("tr.audit-entry", new() { HasText = worldId }).Filter(new() { HasText = "admin.world.stop" });
        await Assertions.Expect(entry).ToHaveCountAsync(1, new() { Timeout = WaitMs });
        await Assertions.Expect(entry).ToContainTextAsync(fixture.App.AdminEmail);
    }
}
