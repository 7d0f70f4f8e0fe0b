using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class SavesAndLinksApiTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Save_ThenFork_NewWorldStartsAtTheSavedStep()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 11);
        await using (var connection = await owner.ConnectAsync())
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            await frames.UntilAsync(f => f.Step >= 5);
        }

        HttpResponseMessage saved = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("five"));
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        SaveInfo save = (await saved.Content.ReadFromJsonAsync<SaveInfo>())!;
        Assert.True(save.Step >= 5);
        Assert.True(save.Bytes > 0);
        SaveInfo[] saves = (await owner.Http.GetFromJsonAsync<SaveInfo[]>($"/api/worlds/{world.Id}/saves"))!;
        Assert.Contains(saves, s => s.Id == save.Id && s.Name == "five");

        HttpResponseMessage forked = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest(save.Id));
        Assert.Equal(HttpStatusCode.Created, forked.StatusCode);
        CreatedWorld fork = (await forked.Content.ReadFromJsonAsync<CreatedWorld>())!;
        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{fork.Id}"))!;
        Assert.Equal((save.Step, save.Id, WorldRoles.Owner), (details.Step, details.ForkedFrom, details.Role));
    }

    [Fact]
    public async Task SavesForkLinks_ByNonOwner_AreRefused()
    {
        TestUser owner = await TestUser.CreateAsync(factory), other = await TestUser.CreateAsync(factory);
        CreatedWorld shown = await owner.CreateWorldAsync(isPublic: true);
        CreatedWorld hidden = await owner.CreateWorldAsync();
        foreach ((CreatedWorld world, HttpStatusCode expected) in new[] { (shown, HttpStatusCode.Forbidden), (hidden, HttpStatusCode.NotFound) })
        {
            Assert.Equal(expected, (await other.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("x"))).StatusCode);
            Assert.Equal(expected, (await other.Http.GetAsync($"/api/worlds/{world.Id}/saves")).StatusCode);
            Assert.Equal(expected, (await other.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest(Guid.NewGuid().ToString()))).StatusCode);
            Assert.Equal(expected, (await other.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/links", new CreateShareLinkRequest("viewer", null))).StatusCode);
            Assert.Equal(expected, (await other.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{Guid.NewGuid()}")).StatusCode);
        }
    }

    [Fact]
    public async Task Saves_BeyondTheCap_Are409_UntilOneIsDeleted_AndOnlyTheOwnerDeletes()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Worlds:MaxSavesPerWorld", "2"));
        TestUser owner = await TestUser.CreateAsync(small), stranger = await TestUser.CreateAsync(small);
        CreatedWorld world = await owner.CreateWorldAsync();
        SaveInfo first = await SaveAsync(owner, world.Id, "one");
        await SaveAsync(owner, world.Id, "two");

        HttpResponseMessage third = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("three"));
        HttpResponseMessage byStranger = await stranger.Http.DeleteAsync($"/api/worlds/{world.Id}/saves/{first.Id}");
        HttpResponseMessage deleted = await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/saves/{first.Id}");
        HttpResponseMessage again = await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/saves/{first.Id}");

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Contains("This world keeps 2 saves", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, byStranger.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(["two"], (await owner.Http.GetFromJsonAsync<SaveInfo[]>($"/api/worlds/{world.Id}/saves"))!.Select(s => s.Name));
        Assert.Equal("three", (await SaveAsync(owner, world.Id, "three")).Name);
    }

    private static async Task<SaveInfo> SaveAsync(TestUser owner, string worldId, string name)
    {
        HttpResponseMessage response = await owner.Http.PostAsJsonAsync($"/api/worlds/{worldId}/saves", new CreateSaveRequest(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SaveInfo>())!;
    }

    [Fact]
    public async Task Save_WithoutNameOrWithANul_Returns400AndForkOfUnknownSave_Returns404()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest(" "))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("a\0b"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest("nope"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/fork", new ForkRequest(Guid.NewGuid().ToString()))).StatusCode);
    }

    [Fact]
    public async Task CreateLink_ReturnsTokenAndUrl_AndRevokeMarksItRevoked()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Player, hours: 2);
        Assert.Equal($"/w/{link.Token}", link.Url);
        Assert.True(link.Token.Length >= 22, "at least 128 random bits");
        Assert.NotNull(link.ExpiresAt);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{link.Id}")).StatusCode);
        ShareLinkSummary[] links = (await owner.Http.GetFromJsonAsync<ShareLinkSummary[]>($"/api/worlds/{world.Id}/links"))!;
        Assert.True(Assert.Single(links).Revoked);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory]
    [InlineData("owner", 1.0)]
    [InlineData(null, 1.0)]
    [InlineData("viewer", 0.0)]
    [InlineData("viewer", 100000.0)]
    public async Task CreateLink_InvalidRoleOrExpiry_Returns400(string? role, double hours)
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        HttpResponseMessage response = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/links", new CreateShareLinkRequest(role, hours));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
