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
        string worldId = await CreateWorldAsync(owner);
        await WaitForFramesAsync(owner, 5);
        // The owner turns, so the view changes under any model: a coherent one standing still draws the same frame.
        await owner.ClickAsync(".view");
        await owner.Keyboard.DownAsync("KeyD");

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
        await WaitForAddressAsync(visitor, new Regex($"/worlds/{worldId}$"));
        await Assertions.Expect(visitor.Locator(".badge.role")).ToHaveTextAsync("viewing", new() { Timeout = WaitMs });
        await WaitForFramesAsync(visitor, 5);
        await owner.Keyboard.UpAsync("KeyD");
    }

    /// <summary>
    /// An owner opens a public world to play from its page; a visitor's lobby then offers Play and Watch on it, and one
    /// click plays it: the visitor's key reaches the world (a latency is measured only when a frame answers a key).
    /// </summary>
    [Fact]
    public async Task AWorldItsOwnerOpensToPlay_IsPlayedByAVisitorInOneClickFromTheLobby()
    {
        await using var ownerContext = await fixture.NewContextAsync();
        var owner = await OpenPageAsync(ownerContext, "open-play owner");
        await owner.GotoAsync("");
        await owner.FillAsync("#world-title", "Open to play");
        string worldId = await CreateWorldAsync(owner);
        await WaitForFramesAsync(owner, 5);
        await Assertions.Expect(owner.Locator("#world-public-play-setting")).ToBeDisabledAsync(new() { Timeout = WaitMs });
        await owner.CheckAsync("#world-public-setting");
        await Assertions.Expect(owner.Locator("#world-public-play-setting")).ToBeEnabledAsync(new() { Timeout = WaitMs });
        await owner.CheckAsync("#world-public-play-setting");

        await using var visitorContext = await fixture.NewContextAsync();
        var visitor = await OpenPageAsync(visitorContext, "open-play visitor");
        await visitor.GotoAsync("");
        var card = visitor.Locator($".live-card[data-world='{worldId}']");
        await Assertions.Expect(card.Locator("a.join")).ToHaveTextAsync(["Play", "Watch"], new() { Timeout = WaitMs });
        await card.Locator("a.join:has-text('Play')").ClickAsync();
        await WaitForAddressAsync(visitor, new Regex($"/worlds/{worldId}$"));
        await Assertions.Expect(visitor.Locator(".badge.role")).ToHaveTextAsync("player", new() { Timeout = WaitMs });
        await WaitForFramesAsync(visitor, 5);
        await visitor.ClickAsync(".view");
        await visitor.Keyboard.DownAsync("KeyW");
        await WaitForStatAsync(visitor, "latency", LatencyPattern);
        await visitor.Keyboard.UpAsync("KeyW");
    }
}
