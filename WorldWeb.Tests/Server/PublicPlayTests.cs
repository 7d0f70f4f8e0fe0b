using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Play;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A world's owner decides who may see it (public or private) and who may play it (anyone, or only link holders), and
/// what a change takes away is taken from those already in the world.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class PublicPlayTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Settings_AreTheOwners_AndABadOneSaysWhatIsWrong()
    {
        TestUser owner = await TestUser.CreateAsync(factory), stranger = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 31);

        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(stranger, world.Id, new UpdateWorldRequest(IsPublic: true))).StatusCode);
        await AssertInvalidAsync(await PatchAsync(owner, world.Id, new UpdateWorldRequest(PublicPlay: true)), "publicPlay", WorldSettingsApi.PlayNeedsPublic);
        await AssertInvalidAsync(await PatchAsync(owner, world.Id, new UpdateWorldRequest(Title: "  ")), "title", "empty");
        await AssertInvalidAsync(await PatchAsync(owner, world.Id, new UpdateWorldRequest(Title: "two\nlines")), "title", "control characters");
        HttpResponseMessage created = await owner.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("x", null, 1, IsPublic: false, PublicPlay: true));
        await AssertInvalidAsync(created, "publicPlay", WorldSettingsApi.PlayNeedsPublic);

        HttpResponseMessage opened = await PatchAsync(owner, world.Id, new UpdateWorldRequest(" Open house ", IsPublic: true, PublicPlay: true));
        Assert.Equal(new WorldSettings("Open house", true, true), await opened.Content.ReadFromJsonAsync<WorldSettings>());
        WorldDetails seen = (await stranger.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        Assert.Equal(("Open house", true, true, WorldRoles.Player), (seen.Title, seen.IsPublic, seen.PublicPlay, seen.Role));
        // Public now, so the stranger sees it, but it is not theirs to change.
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(stranger, world.Id, new UpdateWorldRequest(IsPublic: false))).StatusCode);

        // Private again: no longer open to play either.
        HttpResponseMessage closed = await PatchAsync(owner, world.Id, new UpdateWorldRequest(IsPublic: false));
        Assert.Equal(new WorldSettings("Open house", false, false), await closed.Content.ReadFromJsonAsync<WorldSettings>());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/worlds/{world.Id}")).StatusCode);
    }

    [Fact]
    public async Task AnyoneMayPlay_APublicWorldItsOwnerOpensToPlay_UntilTheOwnerTakesItBack()
    {
        TestUser owner = await TestUser.CreateAsync(factory), stranger = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 32, isPublic: true);
        (await PatchAsync(owner, world.Id, new UpdateWorldRequest(PublicPlay: true))).EnsureSuccessStatusCode();
        await using HubConnection connection = await stranger.ConnectAsync();

        WorldInfo joined = await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        Assert.Equal(WorldRoles.Player, joined.Role);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.NextAsync();
        await connection.InvokeAsync("SendAction", world.Id, 1, 7L);
        await frames.UntilAsync(f => f.LastActionSeq == 7, TimeSpan.FromSeconds(15));

        (await PatchAsync(owner, world.Id, new UpdateWorldRequest(PublicPlay: false))).EnsureSuccessStatusCode();

        // Within about a second the world's node reads it; the stranger may still watch (it is public) but not act.
        HubException refused = await FirstRefusalAsync(connection, world.Id);
        Assert.Contains(PlayerActions.ViewersCannotAct, refused.Message);
        await frames.NextAsync();
    }

    [Fact]
    public async Task AWorldMadePrivate_EndsTheStreamsOfThoseWhoWatchedItBecauseItWasPublic_NotOfLinkHolders()
    {
        TestUser owner = await TestUser.CreateAsync(factory), stranger = await TestUser.CreateAsync(factory), guest = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 33, isPublic: true);
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Viewer);
        await using HubConnection strangers = await stranger.ConnectAsync(), guests = await guest.ConnectAsync();
        await strangers.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await guests.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await using FrameStream watched = await FrameStream.OpenAsync(strangers, world.Id);
        await using FrameStream linked = await FrameStream.OpenAsync(guests, world.Id);
        await watched.NextAsync();
        await linked.NextAsync();

        (await PatchAsync(owner, world.Id, new UpdateWorldRequest(IsPublic: false))).EnsureSuccessStatusCode();

        Exception ended = await LinkRightsTests.EndOfAsync(watched);
        Assert.Contains(PublicWatches.MadePrivateReason, (ended.InnerException ?? ended).Message);
        await linked.NextAsync();  // the link still stands
        await linked.NextAsync();
        await using FrameStream again = await FrameStream.OpenAsync(strangers, world.Id);
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => again.NextAsync());
        Assert.Contains(PublicWatches.MadePrivateReason, (refused.InnerException ?? refused).Message);
        await Assert.ThrowsAsync<HubException>(() => strangers.InvokeAsync<WorldInfo>("JoinWorld", world.Id));
    }

    [Fact]
    public async Task TheLobby_MarksALiveWorldAnyoneMayPlay()
    {
        TestUser owner = await TestUser.CreateAsync(factory), visitor = await TestUser.CreateAsync(factory);
        CreatedWorld open = await owner.CreateWorldAsync(seed: 34, isPublic: true), watchOnly = await owner.CreateWorldAsync(seed: 35, isPublic: true);
        (await PatchAsync(owner, open.Id, new UpdateWorldRequest(PublicPlay: true))).EnsureSuccessStatusCode();
        await using HubConnection connection = await owner.ConnectAsync();
        foreach (CreatedWorld world in new[] { open, watchOnly })
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        }

        var clock = Stopwatch.StartNew();
        LobbyWorld[] listed = [];
        while (listed.Length < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the lobby never listed both live worlds");
            await Task.Delay(200);
            LobbySnapshot snapshot = (await visitor.Http.GetFromJsonAsync<LobbySnapshot>("/api/lobby/live"))!;
            listed = [.. snapshot.Worlds.Where(w => w.Id == open.Id || w.Id == watchOnly.Id)];
        }
        Assert.True(listed.Single(w => w.Id == open.Id).Playable);
        Assert.False(listed.Single(w => w.Id == watchOnly.Id).Playable);
    }

    private static Task<HttpResponseMessage> PatchAsync(TestUser user, string worldId, UpdateWorldRequest request) =>
        user.Http.PatchAsJsonAsync($"/api/worlds/{worldId}", request);

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field, string says)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains(says, Assert.Single(problem!.Errors[field]));
    }

    private static async Task<HubException> FirstRefusalAsync(HubConnection connection, string worldId)
    {
        var clock = Stopwatch.StartNew();
        for (long seq = 100; ; seq++)
        {
            try
            {
                await connection.InvokeAsync("SendAction", worldId, 1, seq);
            }
            catch (HubException refused)
            {
                return refused;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the stranger could still act 15 s after play was taken back");
            await Task.Delay(100);
        }
    }
}
