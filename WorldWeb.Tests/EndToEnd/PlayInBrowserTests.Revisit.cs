using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

public sealed partial class PlayInBrowserTests
{
    /// <summary>Steps the turn key is held: a full circle at the reference world's 5° per step, and the 10 steps of
    /// <see cref="BrowserFixture.MemorySettings"/> between memories on top, so the circle passes again the heading of
    /// a memory written as it began.</summary>
    private const int TurnSteps = 72 + 10 + 8;

    /// <summary>
    /// Turning on the spot comes back to where the turn began, which the server scores as a revisit: a step whose
    /// tracked pose lies within 0.3 cells and 15° of a memory at least 60 steps older (MemoryPolicy.Revisit*; the
    /// wider retrieval rule, 1 cell and 30° at K + 4 steps, only picks what the model is fed). A full circle (72 steps
    /// at 5°) returns to a heading the world had more than 60 steps before, within 5° of a memory written then; a
    /// pose head that hardly turns (the tiny test model's: about 2° and 0.1 cells over 72 turn steps, while its noop
    /// drifts 1° and 0.03 cells a step) stays put, which is a revisit too. Walking away and back is not used: how
    /// far a forward step takes the tracked pose depends on how well the model was trained. The turn is held for a
    /// number of drawn steps, not a time, so a slow server turns as far.
    /// </summary>
    [Fact]
    public async Task TurningAFullCircle_ThePageReportsARevisitScore()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await OpenPageAsync(context, "revisit");
        await page.GotoAsync("");
        await page.FillAsync("#world-title", "Revisit test world");
        await page.ClickAsync("button:has-text('Create world')");
        await page.WaitForURLAsync(new Regex("/worlds/[0-9a-f]+$"), new() { Timeout = WaitMs });
        await WaitForFramesAsync(page, 3);
        await Assertions.Expect(page.Locator("[data-stat=revisits]")).ToHaveTextAsync("0", new() { Timeout = WaitMs });

        await page.ClickAsync(".view");
        var start = await DrawnStepAsync(page);
        await page.Keyboard.DownAsync("KeyA");
        await page.WaitForFunctionAsync(
            "until => Number(document.querySelector('canvas.frame')?.dataset.step ?? -1) >= until", start + TurnSteps,
            new() { Timeout = WaitMs, PollingInterval = 50 });
        await page.Keyboard.UpAsync("KeyA");

        try
        {
            await page.WaitForFunctionAsync(
                "() => Number(document.querySelector('[data-stat=revisits]')?.textContent ?? 0) >= 1", null,
                new() { Timeout = 15_000, PollingInterval = 250 });
        }
        catch (TimeoutException)
        {
            output.WriteLine($"turned from step {start} to {await DrawnStepAsync(page)}; memory {await StatAsync(page, "memory")}, " +
                $"revisits {await StatAsync(page, "revisits")}\n{fixture.App.Log}");
            throw;
        }
        var revisits = int.Parse(await StatAsync(page, "revisits"), CultureInfo.InvariantCulture);
        output.WriteLine($"turned from step {start} for {TurnSteps} steps: {await StatAsync(page, "memory")}, {revisits} revisits, " +
            $"revisit PSNR {await StatAsync(page, "revisit-psnr")}");
        Assert.Matches(@"^\d+(\.\d)? dB", await StatAsync(page, "revisit-psnr"));
        await ScreenshotAsync(page, "play-revisit");
    }
}
