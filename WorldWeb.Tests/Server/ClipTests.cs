extern alias server;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.ModelPackages;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A clip is the world's own history rendered again: the frames the world streamed for its steps (compared through the
/// same codec), the actions its log holds, whoever asks and however the world went on since.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ClipTests(WorldWebFactory factory, ITestOutputHelper output)
{
    [Fact]
    public async Task Clip_OfNSteps_HasTheNFramesTheWorldStreamedAndItsLoggedActions()
    {
        // Lossless frames on the stream, so what the world showed is known to the byte.
        using WebApplicationFactory<server::Program> png = factory.WithWebHostBuilder(b => b.UseSetting("Frames:Format", "Png"));
        TestUser owner = await TestUser.CreateAsync(png);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 41);
        await using HubConnection hub = await owner.ConnectAsync(HubProtocol.MessagePack);
        WorldInfo info = await hub.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using var play = await WorldPlay.StartAsync(hub, world.Id);

        // Walk and turn (held keys) with a paint press among them, memory on, and a named save half-way.
        int[] held = [.. info.Actions.Where(a => !a.Press && a.Index != 0).Select(a => a.Index)];
        int? paint = info.Actions.FirstOrDefault(a => a.Press)?.Index;
        long saveStep = 0;
        async Task WalkAsync(int moves, Func<int, Task>? after = null)
        {
            for (int i = 0; i < moves; i++)
            {
                await play.ActAsync(held[i % held.Length]);
                if (i == 5 && paint is { } press)
                {
                    await play.ActAsync(press);
                }
                await play.UntilStepAsync(play.LastStep + 7);
                if (after is not null)
                {
                    await after(i);
                }
            }
        }
        await WalkAsync(14, async i =>
        {
            if (i == 3)
            {
                HttpResponseMessage saved = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("before the clip"));
                saveStep = (await saved.Content.ReadFromJsonAsync<SaveInfo>())!.Step;
            }
        });
        Assert.True(saveStep > 5, $"saved at step {saveStep}");

        // From a few steps after the save (a replay from it first), through steps played after it: 30 steps that all
        // reached this test (a server drops frames for a viewer that reads slowly, as this one may beside other tests),
        // the paint among them. A CI machine once stalled for 56 s around the paint and dropped the frames of every
        // such run, so the walk goes on, painting again, until one is streamed whole.
        Func<long, bool>? painted = paint is { } pressed ? s => play.ActionOf(s) == pressed : null;
        long? first = play.FirstStreamedRun(saveStep + 4, 30, painted);
        for (int more = 0; first is null && more < 3; more++)
        {
            await WalkAsync(8);
            first = play.FirstStreamedRun(saveStep + 4, 30, painted);
        }
        await play.StopAsync();
        long from = first ?? throw new Xunit.Sdk.XunitException(
            $"no 30 steps in a row from step {saveStep + 4} to {play.LastStep} were all streamed{(painted is null ? "" : " with the paint among them")}");
        long to = from + 29;
        ClipInfo clip = await ClipVideo.RenderAsync(owner.Http, world.Id, from, to);

        List<byte[]> video = await ClipVideo.FramesAsync(owner.Http, clip, info.Width, info.Height);
        List<byte[]> streamed = await ClipVideo.ThroughTheCodecAsync(play.Frames(from, to), info.Width, info.Height, info.Fps);
        Assert.Equal(30, video.Count);
        Assert.Equal(streamed.Count, video.Count);
        for (int i = 0; i < video.Count; i++)
        {
            Assert.True(streamed[i].AsSpan().SequenceEqual(video[i]), $"the frame of step {from + i} differs from the one the world streamed");
        }
        List<ClipEvent> events = await ClipVideo.EventsAsync(owner.Http, clip);
        Assert.Equal(play.Events(from, to, info), events);
        Assert.Contains(events, e => e.Action == "paint" || paint is null);

        // A short clip has a GIF too: the same frames in order, in a palette of the clip's own colours.
        Assert.NotNull(clip.AnimationUrl);
        List<byte[]> gif = await ClipVideo.AnimationFramesAsync(owner.Http, clip, info.Width, info.Height);
        IReadOnlyList<byte[]> shown = play.Frames(from, to);
        Assert.Equal(30, gif.Count);
        double[] psnr = [.. gif.Select((frame, i) => Psnr(frame, shown[i]))];
        output.WriteLine($"GIF {clip.AnimationUrl}: {psnr.Min():F1}–{psnr.Max():F1} dB from the streamed frames");
        // 55 dB here (the MP4's frames: 38–40 dB); a GIF mapped to ffmpeg's own fixed palette read 24 dB.
        Assert.All(psnr, db => Assert.True(db >= 40, $"a GIF frame is {db:F1} dB from the frame the world streamed"));

        // A clip that starts at the save itself, and one anyone holding its link may watch.
        ClipInfo atSave = await ClipVideo.RenderAsync(owner.Http, world.Id, saveStep, saveStep + 2);
        Assert.Equal(play.Events(saveStep, saveStep + 2, info), await ClipVideo.EventsAsync(owner.Http, atSave));
        TestUser stranger = await TestUser.CreateAsync(png);
        Assert.Equal(await ClipVideo.FramesAsync(owner.Http, atSave, info.Width, info.Height),
            await ClipVideo.FramesAsync(stranger.Http, atSave, info.Width, info.Height));
        output.WriteLine($"clip {clip.Id}: steps {from}–{to} ({clip.Bytes} bytes), replayed from the save at step {saveStep}");
    }

    private static double Psnr(byte[] a, byte[] b)
    {
        double squared = a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum() / a.Length;
        return squared == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / squared);
    }

    [Fact]
    public async Task ClipEvents_NameWhoActed_TheOwner_ThenAPlayerByLink_WithoutTheirAccount()
    {
        TestUser owner = await TestUser.CreateAsync(factory), player = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 45);
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Player);
        await using HubConnection hub = await owner.ConnectAsync();
        await hub.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using var play = await WorldPlay.StartAsync(hub, world.Id);
        await play.ActAsync(1);
        await play.UntilStepAsync(play.LastStep + 10);
        long ownerActed = play.LastStep;

        await using HubConnection playing = await player.ConnectAsync();
        await playing.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await playing.InvokeAsync("SendAction", world.Id, 2, 1L);
        await play.UntilStepAsync(play.LastStep + 10);
        await play.StopAsync();

        ClipInfo clip = await ClipVideo.RenderAsync(owner.Http, world.Id, ownerActed - 5, play.LastStep);
        string?[] whos = [.. (await ClipVideo.EventsAsync(owner.Http, clip)).Select(e => e.Who)];

        output.WriteLine(string.Join(", ", whos));
        string playerName = Assert.Single(whos.Distinct(), w => w != "owner")!;
        Assert.Matches("^player-[0-9a-f]{6}$", playerName);
        // The owner's steps, then the player's from the step their key arrived on: one change, no interleaving.
        int switched = Array.IndexOf(whos, playerName);
        Assert.True(switched > 0 && whos[..switched].All(w => w == "owner") && whos[switched..].All(w => w == playerName), string.Join(", ", whos));
    }

    [Fact]
    public async Task Viewer_MayClipOnlyTheStepsFromWhenTheyJoined_AndTheOwnerAny()
    {
        TestUser owner = await TestUser.CreateAsync(factory), viewer = await TestUser.CreateAsync(factory), stranger = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 42);
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Viewer);
        await using HubConnection hub = await owner.ConnectAsync();
        await hub.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using var play = await WorldPlay.StartAsync(hub, world.Id);
        await play.UntilStepAsync(20);

        await using HubConnection viewing = await viewer.ConnectAsync();
        long joined = (await viewing.InvokeAsync<WorldInfo>("JoinWorld", link.Token)).Step;
        await play.UntilStepAsync(joined + 5);
        await play.StopAsync();

        HttpResponseMessage before = await ClipVideo.AskAsync(viewer.Http, link.Token, joined - 5, joined);
        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Contains($"You joined this world at step {joined}: you may clip its steps from {joined} on", await ClipVideo.DetailAsync(before));
        ClipInfo own = await ClipVideo.RenderAsync(viewer.Http, link.Token, joined, joined + 3);
        Assert.True(own.IsMine);

        HttpResponseMessage never = await ClipVideo.AskAsync(stranger.Http, link.Token, joined, joined);
        Assert.Equal(HttpStatusCode.Forbidden, never.StatusCode);
        Assert.Contains("You have not joined this world", await ClipVideo.DetailAsync(never));
        Assert.Equal(HttpStatusCode.NotFound, (await ClipVideo.AskAsync(stranger.Http, world.Id, joined, joined)).StatusCode);
        await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 3);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{link.Id}")).StatusCode);
        HttpResponseMessage revoked = await ClipVideo.AskAsync(viewer.Http, link.Token, joined, joined);
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
        Assert.Contains("revoked", await ClipVideo.DetailAsync(revoked));
    }

    [Fact]
    public async Task Clip_OfALogWithAnActionItsModelDoesNotHave_FailsSayingWhy()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 44);
        int actions = factory.Services.GetRequiredService<ModelCatalog>().All[0].Actions.Count;
        // As a model of the same name with one action more (paint) would have logged it, or a crafted row.
        await using (WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            db.ActionLog.Add(new ActionLogChunk { WorldId = world.Id, FirstStep = 1, Actions = [0, 1, (byte)actions], WrittenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            await db.Worlds.Where(w => w.Id == world.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Step, 3));
        }

        HttpResponseMessage asked = await ClipVideo.AskAsync(owner.Http, world.Id, 0, 3);
        Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync());
        ClipInfo clip = await ClipVideo.UntilDoneAsync(owner.Http, (await asked.Content.ReadFromJsonAsync<ClipInfo>())!.Id);

        Assert.Equal(ClipStatuses.Failed, clip.Status);
        Assert.Contains($"Step 3 of this world's log holds action {actions}, which the model", clip.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clip_HasALinkAnyoneMayWatch_AndOnlyItsMakerMayDelete()
    {
        TestUser owner = await TestUser.CreateAsync(factory), stranger = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 43);
        ClipInfo clip = await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0);

        ClipInfo seen = (await stranger.Http.GetFromJsonAsync<ClipInfo>($"/api/clips/{clip.Id}"))!;
        Assert.False(seen.IsMine);
        HttpResponseMessage video = await stranger.Http.GetAsync(seen.VideoUrl);
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        Assert.Equal("video/mp4", video.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.DeleteAsync($"/api/clips/{clip.Id}")).StatusCode);
        Assert.Empty((await stranger.Http.GetFromJsonAsync<ClipInfo[]>("/api/clips"))!);
        Assert.Equal(clip.Id, Assert.Single((await owner.Http.GetFromJsonAsync<ClipInfo[]>($"/api/clips?world={world.Id}"))!).Id);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/clips/{clip.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/clips/{clip.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync(seen.VideoUrl)).StatusCode);
    }
}

/// <summary>A test playing a world: its frames read as fast as they come (a slow reader loses frames), and the actions sent by seq.</summary>
internal sealed class WorldPlay : IAsyncDisposable
{
    private readonly HubConnection _hub;
    private readonly string _worldId;
    private readonly FrameStream _stream;
    private readonly ConcurrentDictionary<long, FrameMessage> _frames = new();
    private readonly Dictionary<long, int> _sent = new() { [0] = 0 };
    private readonly Task _reading;
    private long _seq, _lastStep = -1;
    private bool _stopped;

    private WorldPlay(HubConnection hub, string worldId, FrameStream stream)
    {
        (_hub, _worldId, _stream) = (hub, worldId, stream);
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<WorldPlay> StartAsync(HubConnection hub, string worldId) => new(hub, worldId, await FrameStream.OpenAsync(hub, worldId));

    public long LastStep => Interlocked.Read(ref _lastStep);

    /// <summary>Whether the frame of <paramref name="step"/> reached this test.</summary>
    public bool Streamed(long step) => _frames.ContainsKey(step);

    public async Task ActAsync(int action)
    {
        _sent[++_seq] = action;
        await _hub.InvokeAsync("SendAction", _worldId, action, _seq);
    }

    public async Task UntilStepAsync(long step)
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); LastStep < step; await Task.Delay(20))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the world stayed at step {LastStep}, short of {step}");
        }
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _stream.DisposeAsync();
            await _reading;
        }
    }

    /// <summary>
    /// The first step from <paramref name="after"/> on that starts <paramref name="length"/> steps whose every frame was
    /// streamed, one of them <paramref name="holding"/> where given; null while there is none.
    /// </summary>
    public long? FirstStreamedRun(long after, int length, Func<long, bool>? holding = null)
    {
        for (long start = after; start + length - 1 <= LastStep; start++)
        {
            if (Steps(start, start + length - 1).All(_frames.ContainsKey) && (holding is null || Steps(start, start + length - 1).Any(holding)))
            {
                return start;
            }
        }
        return null;
    }

    /// <summary>The action in force at a streamed step, told by its frame's seq (as <see cref="Events"/> names it).</summary>
    public int ActionOf(long step) => _sent[_frames[step].LastActionSeq];

    /// <summary>The RGB24 frames streamed for steps <paramref name="from"/> to <paramref name="to"/>; each must have been seen.</summary>
    public List<byte[]> Frames(long from, long to) =>
        [.. Steps(from, to).Select(s => ClipVideo.Rgb(_frames.TryGetValue(s, out FrameMessage? f) ? f : throw new Xunit.Sdk.XunitException($"step {s} was never streamed")))];

    /// <summary>
    /// The events a clip from <paramref name="clipStart"/> must hold for these steps: the action of each told by its
    /// frame's seq, sent by the owner (who plays here); a step before any action of this player names nobody.
    /// </summary>
    public List<ClipEvent> Events(long from, long to, WorldInfo info, long? clipStart = null) =>
        [.. Steps(from, to).Select(s => new ClipEvent(s, Math.Round((s - (clipStart ?? from)) / info.Fps, 3), info.Actions[ActionOf(s)].Name,
            _frames[s].LastActionSeq == 0 ? null : "owner"))];

    public async ValueTask DisposeAsync() => await StopAsync();

    private static IEnumerable<long> Steps(long from, long to)
    {
        for (long s = from; s <= to; s++)
        {
            yield return s;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                FrameMessage frame = await _stream.NextAsync(TimeSpan.FromSeconds(120));
                _frames[frame.Step] = frame;
                Interlocked.Exchange(ref _lastStep, frame.Step);
            }
        }
        catch (Exception)
        {
            // However the stream ended (stopped, the server killed), the frames read are what the test compares.
        }
    }
}
