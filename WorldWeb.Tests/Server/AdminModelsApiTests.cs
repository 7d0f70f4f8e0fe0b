using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>Loading and unloading model packages at runtime through /api/admin/models.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AdminModelsApiTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Load_ServesASecondPackage_AndUnloadTakesItAway_BothAudited()
    {
        TestUser admin = await AdminAsync();
        using var copy = new ModelCopy();

        HttpResponseMessage loaded = await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(copy.Name));

        Assert.Equal(HttpStatusCode.Created, loaded.StatusCode);
        ModelInfo info = (await loaded.Content.ReadFromJsonAsync<ModelInfo>())!;
        Assert.Equal((copy.Name, false), (info.Name, info.IsDefault));
        Assert.Contains(await ModelsAsync(admin), m => m.Name == copy.Name);
        CreatedWorld world = await CreateWorldAsync(admin, copy.Name);
        Assert.False(string.IsNullOrEmpty(world.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/admin/models/{copy.Name}")).StatusCode);

        Assert.DoesNotContain(await ModelsAsync(admin), m => m.Name == copy.Name);
        AuditEntryInfo[] audit = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"/api/admin/audit?target={copy.Name}&action=admin.model"))!;
        Assert.Equal(["admin.model.unload", "admin.model.load"], audit.Select(e => e.Action));
    }

    [Fact]
    public async Task Unload_WhileAWorldIsLive_IsRefused_AndWorksOnceItStops()
    {
        TestUser admin = await AdminAsync();
        using var copy = new ModelCopy();
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(copy.Folder))).StatusCode);
        CreatedWorld world = await CreateWorldAsync(admin, copy.Name);
        await using (HubConnection connection = await admin.ConnectAsync())
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            await frames.UntilAsync(f => f.Step >= 2);

            HttpResponseMessage refused = await admin.Http.DeleteAsync($"/api/admin/models/{copy.Name}");

            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("1 live world(s)", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
            Assert.Contains(await ModelsAsync(admin), m => m.Name == copy.Name);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/admin/worlds/{world.Id}/stop", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/admin/models/{copy.Name}")).StatusCode);
    }

    [Fact]
    public async Task Unload_TheDefaultModel_IsRefused()
    {
        TestUser admin = await AdminAsync();
        string name = Assert.Single(await ModelsAsync(admin), m => m.IsDefault).Name;

        HttpResponseMessage response = await admin.Http.DeleteAsync($"/api/admin/models/{name}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("default model", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task Unload_AnUnknownModel_IsNotFound()
    {
        TestUser admin = await AdminAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.DeleteAsync("/api/admin/models/no-such-model")).StatusCode);
    }

    [Fact]
    public async Task Load_AFolderWithoutAPackage_IsABadRequestThatSaysWhy()
    {
        TestUser admin = await AdminAsync();
        DirectoryInfo empty = Directory.CreateDirectory(Path.Combine(WorldWebFactory.ModelRoot, $"empty-{Guid.NewGuid():N}"));
        try
        {
            HttpResponseMessage response = await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(empty.Name));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("world.json is missing", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("/etc")]
    public async Task Load_AFolderOutsideTheModelRoot_IsABadRequest(string folder)
    {
        TestUser admin = await AdminAsync();

        HttpResponseMessage response = await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(folder));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a folder under the model root", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task Load_TheConfiguredPackageFromOutsideTheRoot_IsABadRequest()
    {
        TestUser admin = await AdminAsync();

        HttpResponseMessage response = await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(Path.GetFullPath(TestEnvironment.ModelFolder)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Load_ASecondPackageOfTheSameName_IsAConflict()
    {
        TestUser admin = await AdminAsync();
        using var copy = new ModelCopy();
        using var twin = new ModelCopy(copy.Name);
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(copy.Name))).StatusCode);
        try
        {
            HttpResponseMessage response = await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(twin.Folder));

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains($"a model named '{copy.Name}' is already loaded", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        }
        finally
        {
            await admin.Http.DeleteAsync($"/api/admin/models/{copy.Name}");
        }
    }

    private async Task<TestUser> AdminAsync()
    {
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        return admin;
    }

    private static async Task<ModelInfo[]> ModelsAsync(TestUser user) => (await user.Http.GetFromJsonAsync<ModelInfo[]>("/api/models"))!;

    private static async Task<CreatedWorld> CreateWorldAsync(TestUser user, string model)
    {
        HttpResponseMessage response = await user.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("on a loaded model", model, 3));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedWorld>())!;
    }

    /// <summary>The test model copied into a folder under the model root, renamed in its world.json.</summary>
    private sealed class ModelCopy : IDisposable
    {
        /// <param name="name">The model name; a fresh one by default. A given name is a twin, in a folder of its own.</param>
        public ModelCopy(string? name = null)
        {
            Name = name ?? $"copy-{Guid.NewGuid():N}"[..13];
            Folder = Path.Combine(WorldWebFactory.ModelRoot, name is null ? Name : $"{Name}-twin");
            Directory.CreateDirectory(Folder);
            foreach (string file in Directory.GetFiles(TestEnvironment.ModelFolder))
            {
                File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
            }
            string manifest = Path.Combine(Folder, "world.json");
            JsonNode json = JsonNode.Parse(File.ReadAllText(manifest))!;
            json["name"] = Name;
            File.WriteAllText(manifest, json.ToJsonString());
        }

        public string Name { get; }

        public string Folder { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
