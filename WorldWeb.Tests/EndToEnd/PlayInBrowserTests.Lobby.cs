using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

public sealed partial class PlayInBrowserTests
{
    /// <summary>
    /// A visitor's lobby shows a public world another plays, its thumbnail moving through the server's stream (the page
    /// never polls), and one click watches it.
    /// </summary>
    [Fact]
    public async Task Lobby_ShowsALivePublicWorldMoving_AndOneClickWatchesIt()
    {
        await using var ownerContext = await fixture.NewContextAsync();
        var owner = await OpenPageAsync(ownerContext, "lobby owner");
        await owner.GotoAsync("");
        await owner.FillAsync("#world-title", "Lobby test world");
        await owner.CheckAsync("#world-public");
        await owner.ClickAsync("button:has-text('Create world')");
        await owner.WaitForURLAsync(new Regex("/worlds/[0-9a-f]+$"), new() { Timeout = WaitMs });
        await WaitForFramesAsync(owner, 5);
        string worldId = owner.Url[(owner.Url.LastIndexOf('/') + 1)..];

        await using var visitorContext = await fixture.NewContextAsync();
        var visitor = await OpenPageAsync(visitorContext, "lobby visitor");
        var asked = new ConcurrentQueue<string>();
        visitor.Request += (_, request) => asked.Enqueue(new Uri(request.Url).AbsolutePath);
        await visitor.GotoAsync("");
        var card = visitor.Locator($".live-card[data-world='{worldId}']");
        await Assertions.Expect(card.Locator(".viewers")).ToHaveTextAsync("1 watching", new() { Timeout = WaitMs });
        var thumbnail = card.Locator("img.thumb");
        string first = (await thumbnail.GetAttributeAsync("src"))!;
        Assert.StartsWith("data:image/", first);
        // The thumbnail moves on while the world steps: the stream sends each new snapshot, once a second.
        await visitor.WaitForFunctionAsync(
            "([id, first]) => document.querySelector(`.live-card[data-world='${id}'] img.thumb`)?.getAttribute('src') !== first",
            new[] { worldId, first }, new() { Timeout = WaitMs, PollingInterval = 100 });
        // Through one stream, which the browser's fetch hands over as it comes (Blazor's streaming responses): no poll.
        Assert.Single(asked, path => path == "/api/lobby/live/stream");
        Assert.DoesNotContain("/api/lobby/live", asked);
        Assert.True(await thumbnail.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the thumbnail is an image the browser decoded");
        await ScreenshotAsync(visitor, "lobby");

        await card.Locator("a.join:has-text('Watch')").ClickAsync();
        await visitor.WaitForURLAsync(new Regex($"/worlds/{worldId}$"), new() { Timeout = WaitMs });
        await Assertions.Expect(visitor.Locator(".badge.role")).ToHaveTextAsync("viewing", new() { Timeout = WaitMs });
        await WaitForFramesAsync(visitor, 5);
    }
}
