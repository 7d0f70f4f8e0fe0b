using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class WorldsApiTests(WorldWebFactory factory)
{
    [Fact]
    public async Task ListWorlds_PageByPage_ListsEveryWorldOnce_NewestFirst()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        string[] mine = [.. await Task.WhenAll(Enumerable.Range(0, 5).Select(async i => (await owner.CreateWorldAsync(title: $"paged {i}")).Id))];

        var listed = new List<WorldSummary>();
        string? next = "/api/worlds?limit=2";
        for (int pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 100_000, "paging did not end");
            HttpResponseMessage response = await owner.Http.GetAsync(next);
            response.EnsureSuccessStatusCode();
            WorldSummary[] page = (await response.Content.ReadFromJsonAsync<WorldSummary[]>())!;
            Assert.True(page.Length <= 2);
            listed.AddRange(page);
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
        }

        Assert.Superset(mine.ToHashSet(), listed.Select(w => w.Id).ToHashSet());
        Assert.Equal(listed.Count, listed.Select(w => w.Id).Distinct().Count());
        Assert.Equal(listed.OrderByDescending(w => w.UpdatedAt).Select(w => w.UpdatedAt), listed.Select(w => w.UpdatedAt));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    public async Task ListWorlds_BadPageQuery_Is400NamingTheField(string query, string field)
    {
        TestUser visitor = await TestUser.CreateAsync(factory);

        HttpResponseMessage response = await visitor.Http.GetAsync($"/api/worlds?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.ContainsKey(field));
    }

    [Fact]
    public async Task CreateWorld_ValidRequest_Returns201WithIdAndUrl()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        HttpResponseMessage response = await owner.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("My maze", null, 42));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        CreatedWorld created = (await response.Content.ReadFromJsonAsync<CreatedWorld>())!;
        Assert.Equal($"/worlds/{created.Id}", created.Url);
        Assert.Equal($"/api/worlds/{created.Id}", response.Headers.Location!.ToString());

        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{created.Id}"))!;
        Assert.Equal(("My maze", 42L, WorldRoles.Owner, 0L), (details.Title, details.Seed, details.Role, details.Step));
    }

    [Fact]
    public async Task CreateWorld_MalformedJson_Returns400ProblemDetails()
    {
        TestUser user = await TestUser.CreateAsync(factory);
        HttpResponseMessage response = await user.Http.PostAsync("/api/worlds", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);
    }

    [Theory]
    [InlineData("{\"model\": \"no-such-model\"}", "model")]
    [InlineData("{\"seed\": -1}", "seed")]
    [InlineData("{\"seed\": \"abc\"}", null)]
    [InlineData("{\"title\": \"a\\u0000b\"}", "title")]
    [InlineData("{\"title\": \"two\\nlines\"}", "title")]
    public async Task CreateWorld_InvalidFields_Returns400(string body, string? field)
    {
        TestUser user = await TestUser.CreateAsync(factory);
        HttpResponseMessage response = await user.Http.PostAsync("/api/worlds", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
            Assert.Contains(field, problem.Errors.Keys);
        }
    }

    [Fact]
    public async Task GetWorld_OtherVisitorsPrivateWorld_Returns404()
    {
        TestUser owner = await TestUser.CreateAsync(factory), other = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        HttpResponseMessage response = await other.Http.GetAsync($"/api/worlds/{world.Id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetWorld_UnknownId_Returns404()
    {
        TestUser user = await TestUser.CreateAsync(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync("/api/worlds/0000000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync("/api/worlds/not-an-id")).StatusCode);
    }

    [Fact]
    public async Task ListWorlds_ShowsOwnAndPublicWorldsOnly()
    {
        TestUser owner = await TestUser.CreateAsync(factory), other = await TestUser.CreateAsync(factory);
        CreatedWorld mine = await owner.CreateWorldAsync();
        CreatedWorld shown = await owner.CreateWorldAsync(isPublic: true);

        WorldSummary[] ownerList = (await owner.Http.GetFromJsonAsync<WorldSummary[]>("/api/worlds"))!;
        WorldSummary[] otherList = (await other.Http.GetFromJsonAsync<WorldSummary[]>("/api/worlds"))!;

        Assert.Contains(ownerList, w => w.Id == mine.Id && w.Role == WorldRoles.Owner);
        Assert.DoesNotContain(otherList, w => w.Id == mine.Id);
        Assert.Contains(otherList, w => w.Id == shown.Id && w.Role == WorldRoles.Viewer);
    }

    [Fact]
    public async Task DeleteWorld_ByOwner_Returns204AndWorldIsGone()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/worlds/{world.Id}")).StatusCode);
    }

    [Fact]
    public async Task DeleteWorld_ByOtherVisitor_Returns403ForPublicAnd404ForPrivate()
    {
        TestUser owner = await TestUser.CreateAsync(factory), other = await TestUser.CreateAsync(factory);
        CreatedWorld shown = await owner.CreateWorldAsync(isPublic: true);
        CreatedWorld hidden = await owner.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Http.DeleteAsync($"/api/worlds/{shown.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"/api/worlds/{hidden.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/worlds/{shown.Id}")).StatusCode);
    }

    [Fact]
    public async Task GetModels_ListsTheLoadedModelAsDefault()
    {
        TestUser user = await TestUser.CreateAsync(factory);
        ModelInfo[] models = (await user.Http.GetFromJsonAsync<ModelInfo[]>("/api/models"))!;
        ModelInfo model = Assert.Single(models);
        Assert.True(model.IsDefault);
        Assert.NotEmpty(model.Actions);
        Assert.Equal(Enumerable.Range(0, model.Actions.Count), model.Actions.Select(a => a.Index));
    }

    [Fact]
    public async Task Healthz_DatabaseMigratedAndModelLoaded_IsHealthy()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
