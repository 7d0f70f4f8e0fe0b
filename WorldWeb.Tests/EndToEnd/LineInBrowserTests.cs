using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WorldWeb.Client.Contracts;
using WorldWeb.Tests.Server;
using Xunit.Abstractions;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>A server that runs one world at most (<c>Worlds:MaxLiveWorlds</c> 1), for the play page on a full server.</summary>
public sealed class FullServerFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Worlds__MaxLiveWorlds"] = "1",
        ["Worlds__IdleUnloadSeconds"] = "3",
    };
}

/// <summary>
/// The play page in headless Chromium against a full server: it waits in line, shows its place, and plays when a
/// place frees, over the real hub (MessagePack, the documented "The server is full" refusal, the WaitInLine stream).
/// </summary>
[Trait(Category.Name, Category.Browser)]
public sealed class LineInBrowserTests(FullServerFixture fixture, ITestOutputHelper output) : IClassFixture<FullServerFixture>
{
    [Fact]
    public async Task OnAFullServer_ThePageShowsItsPlaceInLine_AndPlaysWhenAPlaceFrees()
    {
        try
        {
            await WaitAndPlayAsync();
            Assert.Empty(fixture.CspViolations);
        }
        catch
        {
            output.WriteLine(fixture.App.Log);
            throw;
        }
    }

    private async Task WaitAndPlayAsync()
    {
        // Someone else plays the server's only world; the page's visitor opens a public world of theirs that is not running.
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = fixture.App.Address };
        string playing = await CreateAsync(http, "the only place", isPublic: false);
        string waited = await CreateAsync(http, "waited for", isPublic: true);
        await using HubConnection occupier = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.Address, "hubs/world"), o => (o.Cookies, o.Transports) = (cookies, HttpTransportType.WebSockets))
            .AddMessagePackProtocol()
            .Build();
        await occupier.StartAsync();
        await occupier.InvokeAsync<WorldInfo>(WorldHubProtocol.JoinWorld, playing);
        FrameStream occupying = await FrameStream.OpenAsync(occupier, playing);
        await occupying.NextAsync();

        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"worlds/{waited}");
        var line = page.Locator("[data-line]");
        await Assertions.Expect(line).ToContainTextAsync("Server full — you are number 1 in line", new() { Timeout = WaitMs });
        output.WriteLine(await line.InnerTextAsync());

        await occupying.DisposeAsync();  // the place frees when the world it held unloads
        await Assertions.Expect(page.Locator(".badge.role")).ToHaveTextAsync("viewing", new() { Timeout = WaitMs });
        await WaitForFramesAsync(page, 3);
        Assert.Equal(0, await line.CountAsync());
    }

    private static async Task<string> CreateAsync(HttpClient http, string title, bool isPublic)
    {
        HttpResponseMessage created = await http.PostAsJsonAsync("api/worlds", new CreateWorldRequest(title, null, 7, isPublic));
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
    }
}
