extern alias server;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AdminApiTests(WorldWebFactory factory)
{
    [Fact]
    public async Task Audit_PagesNewestFirst_WithTheLastIdOfAPage()
    {
        TestUser owner = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        CreatedWorld world = await owner.CreateWorldAsync();
        foreach (string name in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest(name))).StatusCode);
        }
        string query = $"/api/admin/audit?target={world.Id}&action=world.save";

        AuditEntryInfo[] first = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"{query}&take=2"))!;
        AuditEntryInfo[] second = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"{query}&take=2&before={first[^1].Id}"))!;

        Assert.Equal(["c", "b", "a"], first.Concat(second).Select(e => e.Detail![..1]));
    }

    [Fact]
    public async Task Stop_EndsTheStreams_TellsClients_AndIsAudited()
    {
        TestUser owner = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        var closed = new TaskCompletionSource<string>();
        connection.On<string, string>("WorldClosed", (_, reason) => closed.TrySetResult(reason));
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.UntilAsync(f => f.Step >= 3);

        LiveSessionInfo session = Assert.Single((await admin.Http.GetFromJsonAsync<LiveSessionInfo[]>("/api/admin/sessions"))!, s => s.WorldId == world.Id);
        Assert.Equal((1, owner.Cookie.Length > 0), (session.Viewers, session.OwnerId.Length > 0));
        Assert.True(session.StepMsP99 >= session.StepMsP50 && session.StepMsP50 > 0);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/admin/worlds/{world.Id}/stop", null)).StatusCode);

        Assert.Equal("This world was stopped by an administrator.", await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain((await admin.Http.GetFromJsonAsync<LiveSessionInfo[]>("/api/admin/sessions"))!, s => s.WorldId == world.Id);
        AuditEntryInfo entry = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"/api/admin/audit?target={world.Id}&action=admin"))![0];
        Assert.Equal(("admin.world.stop", WorldWebFactory.AdminEmail), (entry.Action, entry.ActorEmail));
    }

    [Fact]
    public async Task Sessions_ShowEachWorldsMemoryAndCoherence()
    {
        TestUser owner = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        CreatedWorld world = await owner.CreateWorldAsync();
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.UntilAsync(f => f.Step >= 3);

        JsonElement[] sessions = (await admin.Http.GetFromJsonAsync<JsonElement[]>("/api/admin/sessions"))!;
        JsonElement coherence = Assert.Single(sessions, s => s.GetProperty("worldId").GetString() == world.Id).GetProperty("coherence");

        // The first step always writes a memory (nothing is near yet); the test server keeps at most 6.
        Assert.InRange(coherence.GetProperty("memoryEntries").GetInt32(), 1, 6);
        Assert.True(coherence.GetProperty("memoryBytes").GetInt64() > 0);
        Assert.True(coherence.GetProperty("revisits").GetInt32() >= 0 && coherence.GetProperty("rollbacks").GetInt32() >= 0);
        Assert.Contains(coherence.EnumerateObject(), p => p.Name == "revisitPsnr");
        Assert.Contains(coherence.EnumerateObject(), p => p.Name == "lastRevisitPsnr");
    }

    [Fact]
    public async Task Search_FindsByTitle_AndSystemReportsTheDatabase()
    {
        TestUser owner = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        string title = $"needle {Guid.NewGuid():N}";
        CreatedWorld world = await owner.CreateWorldAsync(title: title);

        AdminWorldInfo found = Assert.Single((await admin.Http.GetFromJsonAsync<AdminWorldInfo[]>($"/api/admin/worlds?q={title[7..]}"))!);
        SystemInfo system = (await admin.Http.GetFromJsonAsync<SystemInfo>("/api/admin/system"))!;

        Assert.Equal(world.Id, found.Id);
        Assert.True(system.DatabaseBytes > 0 && system.WorkingSetBytes > 0 && system.ProcessorCount > 0);
        Assert.Matches(@"^[\w.-]+: Cpu", system.Inference);  // what runs the model, not only what was configured
    }

    [Fact]
    public async Task History_IsSampledAndDrawnAsSvg()
    {
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        HistoryPoint[] points;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while ((points = (await admin.Http.GetFromJsonAsync<HistoryPoint[]>("/api/admin/history", patience.Token))!).Length == 0)
            {
                await Task.Delay(100, patience.Token);  // until the sampler has taken its first sample
            }
        }
        HttpResponseMessage chart = await admin.Http.GetAsync("/api/admin/history.svg");

        Assert.NotEmpty(points);
        Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"", await chart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Gpu_NvidiaSmiCsv_IsDescribedPerGpu_AndNothingIsNull()
    {
        string? two = server::WorldWeb.Server.Admin.GpuStatus.Describe("NVIDIA H100 80GB HBM3, 37, 1024, 81559\nNVIDIA H100 80GB HBM3, 0, 3, 81559\n");

        Assert.Equal("NVIDIA H100 80GB HBM3: 37% busy, 1024 of 81559 MiB; NVIDIA H100 80GB HBM3: 0% busy, 3 of 81559 MiB", two);
        Assert.Null(server::WorldWeb.Server.Admin.GpuStatus.Describe(""));
        Assert.Null(server::WorldWeb.Server.Admin.GpuStatus.Describe(null));
    }
}
