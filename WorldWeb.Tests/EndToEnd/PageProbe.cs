using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>What a test reads off the play page: the canvas, its log of drawn frames, and the stats.</summary>
internal static class PageProbe
{
    public const float WaitMs = 60_000;

    /// <summary>
    /// Submits the lobby's create form as the test filled it and waits for the world's page; returns the world's id. When
    /// the page does not open, the failure says what the page showed instead (a refusal, a validation message).
    /// </summary>
    public static async Task<string> CreateWorldAsync(IPage page)
    {
        await page.ClickAsync("button:has-text('Create world')");
        try
        {
            await WaitForAddressAsync(page, new Regex("/worlds/[0-9a-f]+$"));
        }
        catch (PlaywrightException e)
        {
            string shown = await page.InnerTextAsync("main", new() { Timeout = 5_000 });
            throw new TimeoutException($"the world's page did not open after 'Create world'; at {page.Url} the page shows: {shown}", e);
        }
        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    /// <summary>
    /// Waits until the page's address matches. Not <c>WaitForURLAsync</c>: in the .NET client it checks the address, then
    /// subscribes to navigations, and a navigation delivered between the two is lost (playwright-dotnet#3364; it failed
    /// CI once with the world's page open for a minute). The assertion is one request the browser side polls.
    /// </summary>
    public static Task WaitForAddressAsync(IPage page, Regex address) =>
        Assertions.Expect(page).ToHaveURLAsync(address, new() { Timeout = WaitMs });

    public static Task WaitForFramesAsync(IPage page, int count) =>
        page.WaitForFunctionAsync(
            "n => (document.querySelector('canvas.frame')?.frameLog?.length ?? 0) >= n", count,
            new() { Timeout = WaitMs });

    /// <summary>The frames this page drew, by step: the hash of each encoded frame's bytes.</summary>
    public static async Task<Dictionary<long, string>> FrameLogAsync(IPage page)
    {
        var log = await page.EvaluateAsync<JsonElement>("() => document.querySelector('canvas.frame').frameLog");
        return log.EnumerateArray().ToDictionary(f => f.GetProperty("step").GetInt64(), f => f.GetProperty("hash").GetString()!);
    }

    public static async Task<long> DrawnStepAsync(IPage page) =>
        long.Parse(await page.GetAttributeAsync("canvas.frame", "data-step") ?? "-1", CultureInfo.InvariantCulture);

    /// <summary>The canvas pixels as the user sees them (a PNG data URL).</summary>
    public static Task<string> CanvasAsync(IPage page) =>
        page.EvalOnSelectorAsync<string>("canvas.frame", "c => c.toDataURL()");

    public static Task<string> StatAsync(IPage page, string name) =>
        page.Locator($"[data-stat={name}]").InnerTextAsync();

    public static Task WaitForStatAsync(IPage page, string name, string pattern) =>
        page.WaitForFunctionAsync(
            "([name, pattern]) => new RegExp(pattern).test(document.querySelector(`[data-stat=${name}]`)?.textContent ?? '')",
            new[] { name, pattern }, new() { Timeout = WaitMs });
}
