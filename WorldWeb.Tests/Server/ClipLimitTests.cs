extern alias server;

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using ClipQueue = server::WorldWeb.Server.Clips.ClipQueue;
using ClipStore = server::WorldWeb.Server.Clips.ClipStore;

namespace WorldWeb.Tests.Server;

/// <summary>Every way a clip is refused says why and what to do; a refused or deleted clip holds nothing.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ClipLimitTests(WorldWebFactory factory)
{
    [Fact]
    public async Task BadRequests_AreRefusedWithWhatIsWrong()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 51);

        await AssertRefusedAsync(owner, new CreateClipRequest(null, 0, 0), HttpStatusCode.BadRequest, "world must be the id of a world or a share-link token");
        await AssertRefusedAsync(owner, new CreateClipRequest("not a world", 0, 0), HttpStatusCode.BadRequest, "worldRef must be a world id or a share-link token");
        await AssertRefusedAsync(owner, new CreateClipRequest(world.Id, -1, 0), HttpStatusCode.BadRequest, "fromStep must be a step of the world");
        await AssertRefusedAsync(owner, new CreateClipRequest(world.Id, 5, null), HttpStatusCode.BadRequest, "toStep must be a step of the world");
        await AssertRefusedAsync(owner, new CreateClipRequest(world.Id, 5, 4), HttpStatusCode.BadRequest, "toStep (4) comes before fromStep (5)");
        await AssertRefusedAsync(owner, new CreateClipRequest(world.Id, 0, 6000), HttpStatusCode.BadRequest, "A clip is at most 6000 steps; 0–6000 is 6001");
        await AssertRefusedAsync(owner, new CreateClipRequest(world.Id, 0, 1000), HttpStatusCode.BadRequest, "This world is at step 0: a clip ends at a step it has played");
        await AssertRefusedAsync(owner, new CreateClipRequest("0123456789abcdef", 0, 0), HttpStatusCode.NotFound, "There is no world '0123456789abcdef' that you can see");
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync("/api/clips/not-a-clip")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.GetAsync("/api/clips?limit=0")).StatusCode);
        Assert.Empty((await owner.Http.GetFromJsonAsync<ClipInfo[]>("/api/clips"))!);
    }

    [Fact]
    public async Task RendersBeyondTheVisitorsLimit_AreRefusedUntilOneIsDone()
    {
        // A render of steps the world has not played yet waits for its log: a render in progress for as long.
        using WebApplicationFactory<server::Program> strict = factory.WithWebHostBuilder(b => b
            .UseSetting("Clips:MaxRendersPerVisitor", "1").UseSetting("Clips:LogWaitSeconds", "3"));
        TestUser owner = await TestUser.CreateAsync(strict);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 52);
        HttpResponseMessage waiting = await ClipVideo.AskAsync(owner.Http, world.Id, 0, 20);
        Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);

        HttpResponseMessage refused = await ClipVideo.AskAsync(owner.Http, world.Id, 0, 0);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("You already have 1 clip waiting or rendering, the most one visitor may", await ClipVideo.DetailAsync(refused));

        ClipInfo failed = await ClipVideo.UntilDoneAsync(owner.Http, (await waiting.Content.ReadFromJsonAsync<ClipInfo>())!.Id);
        Assert.Equal(ClipStatuses.Failed, failed.Status);
        Assert.Equal("The world's log reaches step 0: the steps after it were not played.", failed.Error);
        await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0);
    }

    [Fact]
    public async Task ClipsBeyondTheVisitorsStorage_AreRefusedUntilOneIsDeleted()
    {
        using WebApplicationFactory<server::Program> small = factory.WithWebHostBuilder(b => b.UseSetting("Clips:MaxBytesPerVisitor", "100"));
        TestUser owner = await TestUser.CreateAsync(small);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 53);
        ClipInfo first = await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0);
        Assert.True(first.Bytes > 100);

        HttpResponseMessage refused = await ClipVideo.AskAsync(owner.Http, world.Id, 0, 0);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Your clips take 100 B or more, the most one visitor may keep; delete one, or wait for one to expire (7 days after it was made)", await ClipVideo.DetailAsync(refused));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/clips/{first.Id}")).StatusCode);
        await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0);
    }

    [Fact]
    public async Task WithoutTheEncoder_ClipsAreRefusedWithWhatToInstall()
    {
        using WebApplicationFactory<server::Program> bare = factory.WithWebHostBuilder(b => b.UseSetting("Clips:Ffmpeg", "/nonexistent/ffmpeg"));
        TestUser owner = await TestUser.CreateAsync(bare);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 54);

        HttpResponseMessage refused = await ClipVideo.AskAsync(owner.Http, world.Id, 0, 0);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("its video encoder '/nonexistent/ffmpeg' is not installed (the operator installs Debian's ffmpeg package)", await ClipVideo.DetailAsync(refused));
    }

    [Fact]
    public async Task Deleting_ARenderingClip_StopsItsRender()
    {
        using WebApplicationFactory<server::Program> patient = factory.WithWebHostBuilder(b => b.UseSetting("Clips:LogWaitSeconds", "60"));
        TestUser owner = await TestUser.CreateAsync(patient);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 55);
        ClipInfo clip = (await (await ClipVideo.AskAsync(owner.Http, world.Id, 0, 20)).Content.ReadFromJsonAsync<ClipInfo>())!;
        ClipQueue queue = patient.Services.GetRequiredService<ClipQueue>();
        Assert.Contains(clip.Id, queue.Held);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/clips/{clip.Id}")).StatusCode);

        for (var waited = System.Diagnostics.Stopwatch.StartNew(); queue.Held.Contains(clip.Id); await Task.Delay(50))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the render went on after its clip was deleted");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/clips/{clip.Id}")).StatusCode);
    }

    [Fact]
    public async Task Sweep_DeletesExpiredClips_AndFailsThoseNoServerHolds()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 56);
        ClipInfo expired = await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0), orphan = await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0);
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        await using (WorldWebDbContext db = await contexts.CreateDbContextAsync())
        {
            DateTimeOffset past = DateTimeOffset.UtcNow.AddHours(-1);
            await db.Clips.Where(c => c.Id == expired.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.ExpiresAt, past));
            // As a server killed mid-render leaves it: rendering, and untouched since.
            await db.Clips.Where(c => c.Id == orphan.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, ClipStatus.Rendering).SetProperty(c => c.UpdatedAt, past));
        }

        await factory.Services.GetRequiredService<ClipStore>().SweepAsync([], CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/clips/{expired.Id}")).StatusCode);
        ClipInfo failed = (await owner.Http.GetFromJsonAsync<ClipInfo>($"/api/clips/{orphan.Id}"))!;
        Assert.Equal(ClipStatuses.Failed, failed.Status);
        Assert.Equal("The server that took this clip stopped before it was rendered; ask for it again.", failed.Error);
    }

    private static async Task AssertRefusedAsync(TestUser user, CreateClipRequest request, HttpStatusCode status, string message)
    {
        HttpResponseMessage response = await user.Http.PostAsJsonAsync("/api/clips", request);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await ClipVideo.DetailAsync(response));
    }
}
