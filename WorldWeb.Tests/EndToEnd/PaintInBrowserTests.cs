using System.Text.Json;
using Microsoft.Playwright;
using WorldWeb.Tests.Server;
using Xunit.Abstractions;
using static WorldWeb.Tests.EndToEnd.PageProbe;

namespace WorldWeb.Tests.EndToEnd;

/// <summary>The browser tests' server with a second model that paints (<see cref="PressModel"/>: paint on F and Space, a press that changes the world).</summary>
public sealed class PaintServerFixture : BrowserFixture, IDisposable
{
    internal PressModel Model { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(MemorySettings)
    {
        ["Models__Packages__1"] = Model.Folder,
    };

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Painting from the play page, as a person does: the page names the key, a press held down paints once, and the
/// world keeps the paint in its log, so a clip of the play (rendered again from that log) shows it at the step it
/// was made. CI's paint model is the tiny fixture's graph, which draws no mark; whether a trained model draws the
/// mark and brings it back after a turn is measured by `./worldweb eval --way-in` and scripts/paint-screenshots.mjs
/// (docs/model-card.md, "On the play page").
/// </summary>
[Trait(Category.Name, Category.Browser)]
public sealed class PaintInBrowserTests(PaintServerFixture fixture, ITestOutputHelper output) : IClassFixture<PaintServerFixture>
{
    [Fact]
    public async Task APressOfF_HeldDown_PaintsOnce_AndTheWorldsLogKeepsItWhereThePlayWalkedOn()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("");
            await page.FillAsync("#world-title", "Paint test world");
            await page.SelectOptionAsync("#world-model", fixture.Model.Name);
            var world = await CreateWorldAsync(page);
            await WaitForFramesAsync(page, 3);

            var paintKey = page.Locator(".keys [data-action=paint]");
            await Assertions.Expect(paintKey).ToHaveAttributeAsync("data-press", "true");
            Assert.Equal(["F", "Space"], await paintKey.Locator("kbd").AllInnerTextsAsync());

            await page.ClickAsync(".view");
            var from = await DrawnStepAsync(page);
            await page.Keyboard.DownAsync("KeyW");
            await WaitForStepAsync(page, from + 5);
            // Held for many steps, as a person holds a key: the browser repeats its keydown (Playwright sends a second
            // down of a key held as a repeat), and the page sends one press.
            for (var i = 0; i < 4; i++)
            {
                await page.Keyboard.DownAsync("KeyF");
                await WaitForStepAsync(page, await DrawnStepAsync(page) + 3);
            }
            await page.Keyboard.UpAsync("KeyF");
            await WaitForStepAsync(page, await DrawnStepAsync(page) + 5);
            await page.Keyboard.UpAsync("KeyW");
            var to = await DrawnStepAsync(page);

            var actions = (await ClipEventsAsync(page, world, from, to)).Select(e => e.GetProperty("action").GetString()).ToList();
            output.WriteLine(string.Join(" ", actions));
            Assert.Equal(1, actions.Count(a => a == "paint"));
            var paintAt = actions.IndexOf("paint");
            // The walk went on around the press: the held key before it and after it.
            Assert.Equal("forward", actions[paintAt - 1]);
            Assert.Equal("forward", actions[paintAt + 1]);
            Assert.Empty(fixture.CspViolations);
        }
        catch
        {
            output.WriteLine(fixture.App.Log);
            throw;
        }
    }

    private static Task WaitForStepAsync(IPage page, long step) =>
        page.WaitForFunctionAsync("s => Number(document.querySelector('canvas.frame')?.dataset.step ?? -1) >= s", step, new() { Timeout = WaitMs });

    /// <summary>The events of a clip of the steps <paramref name="fromStep"/>…<paramref name="toStep"/>, asked for and read as the page's owner.</summary>
    private static async Task<List<JsonElement>> ClipEventsAsync(IPage page, string world, long fromStep, long toStep)
    {
        var lines = await page.EvaluateAsync<string>("""
            async ({ world, fromStep, toStep }) => {
              const asked = await fetch('/api/clips', {
                method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ world, fromStep, toStep }),
              });
              if (!asked.ok) throw new Error(`clipping: ${asked.status} ${await asked.text()}`);
              const { id } = await asked.json();
              for (let i = 0; i < 240; i++) {
                const clip = await (await fetch(`/api/clips/${id}`)).json();
                if (clip.status === 'failed') throw new Error(`the clip failed: ${clip.error}`);
                if (clip.status === 'ready') return await (await fetch(clip.eventsUrl)).text();
                await new Promise((resolve) => setTimeout(resolve, 250));
              }
              throw new Error('the clip was not rendered in 60 s');
            }
            """, new { world, fromStep, toStep });
        return [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }
}
