using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

public sealed partial class PlayInBrowserTests
{
    /// <summary>
    /// Turning on the spot comes back to where the turn began, which the server scores as a revisit: a step whose
    /// tracked pose lies within 0.3 cells and 15° of a memory at least 60 steps older (MemoryPolicy.Revisit*; the
    /// wider retrieval rule, 1 cell and 30° at K + 4 steps, only picks what the model is fed). The pose is the
    /// model's own: a trained model turns 5° a step and closes the circle in 72 steps; the tiny test model turns
    /// whatever its random start learned (about 2° a step, drifting sideways), and a constant turn with a constant
    /// drift still traces a closed circle, only a longer one. So the key is held until the page reports a revisit,
    /// for at most the time a circle at 0.5° a step takes — not for a fixed number of steps that fits one model.
    /// </summary>
    private const int CircleAtHalfADegreeMs = 720 * 1000 / 20;

    [Fact]
    public async Task TurningAFullCircle_ThePageReportsARevisitScore()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await OpenPageAsync(context, "revisit");
        await page.GotoAsync("");
        await page.FillAsync("#world-title", "Revisit test world");
        await CreateWorldAsync(page);
        await WaitForFramesAsync(page, 3);
        await Assertions.Expect(page.Locator("[data-stat=revisits]")).ToHaveTextAsync("0", new() { Timeout = WaitMs });

        await page.ClickAsync(".view");
        var start = await DrawnStepAsync(page);
        await page.Keyboard.DownAsync("KeyA");
        try
        {
            await page.WaitForFunctionAsync(
                "() => Number(document.querySelector('[data-stat=revisits]')?.textContent ?? 0) >= 1", null,
                new() { Timeout = CircleAtHalfADegreeMs + 5_000, PollingInterval = 250 });
        }
        catch (TimeoutException)
        {
            output.WriteLine($"turned from step {start} to {await DrawnStepAsync(page)}; memory {await StatAsync(page, "memory")}, " +
                $"revisits {await StatAsync(page, "revisits")}\n{fixture.App.Log}");
            throw;
        }
        finally
        {
            await page.Keyboard.UpAsync("KeyA");
        }
        var revisits = int.Parse(await StatAsync(page, "revisits"), CultureInfo.InvariantCulture);
        output.WriteLine($"turned from step {start} to {await DrawnStepAsync(page)}: {await StatAsync(page, "memory")}, {revisits} revisits, " +
            $"revisit PSNR {await StatAsync(page, "revisit-psnr")}");
        Assert.Matches(@"^\d+(\.\d)? dB", await StatAsync(page, "revisit-psnr"));
        await ScreenshotAsync(page, "play-revisit");
    }
}
