using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A model whose runs fail or hang, loaded at runtime into the real server and played over the hub: its viewers are
/// told why their world paused, /healthz names it, the world goes on once a run succeeds, and a hung run holds up no
/// other model's worlds. The model is the tiny_faulty fixture (a real ONNX graph that fails when a row turns right
/// and loops for hours when one turns left).
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ModelFaultHubTests(WorldWebFactory factory)
{
    private const int Noop = 0, TurnLeftHangs = 2, TurnRightFails = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AModelFailingTickAfterTick_PausesItsWorldsWithAMessage_DegradesHealthzNamingIt_AndGoesOnWhenItRuns()
    {
        TestUser admin = await AdminAsync();
        string name = $"faulty-{Guid.NewGuid():N}"[..14];
        string folder = CopyFixture(name);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(name))).StatusCode);
            string worldId = await CreateWorldAsync(admin, name);
            await using HubConnection connection = await admin.ConnectAsync();
            var notices = Channel.CreateUnbounded<string?>();
            connection.On<string, string?>("WorldPaused", (_, reason) => notices.Writer.TryWrite(reason));
            await connection.InvokeAsync<WorldInfo>("JoinWorld", worldId);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, worldId);
            await frames.UntilAsync(f => f.Step >= 2, Patience);

            await connection.InvokeAsync("SendAction", worldId, TurnRightFails, 1L);
            string? reason = await notices.Reader.ReadAsync().AsTask().WaitAsync(Patience);

            Assert.Contains($"The model '{name}' keeps failing on this server, so this world is paused", reason);
            Assert.Equal("Degraded", await admin.Http.GetStringAsync("/healthz"));
            HealthReport health = await factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Degraded, health.Entries["model-runs"].Status);
            Assert.Contains($"{name}: out of play", health.Entries["model-runs"].Description);

            await connection.InvokeAsync("SendAction", worldId, Noop, 2L);
            while (await notices.Reader.ReadAsync().AsTask().WaitAsync(Patience) is not null)
            {
                // told again at each failed retry, until one succeeds
            }
            FrameMessage after = await frames.UntilAsync(f => f.LastActionSeq == 2, Patience);
            await frames.UntilAsync(f => f.Step >= after.Step + 2, Patience);
            Assert.Equal(HealthStatus.Healthy, (await factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["model-runs"].Status);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/admin/worlds/{worldId}/stop", null)).StatusCode);
        }
        finally
        {
            await admin.Http.DeleteAsync($"/api/admin/models/{name}");
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AWorldOfAHungModel_WaitingToUnload_KeepsNoWorldOfAnotherModelFromUnloading()
    {
        TestUser admin = await AdminAsync();
        string name = $"hung-{Guid.NewGuid():N}"[..14];
        string folder = CopyFixture(name);
        WorldDirectory directory = factory.Services.GetRequiredService<WorldDirectory>();
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(name))).StatusCode);
            ModelInfo[] models = (await admin.Http.GetFromJsonAsync<ModelInfo[]>("/api/models"))!;
            string hungId = await CreateWorldAsync(admin, name), otherId = await CreateWorldAsync(admin, models.Single(m => m.IsDefault).Name);
            await using HubConnection connection = await admin.ConnectAsync();
            await connection.InvokeAsync<WorldInfo>("JoinWorld", hungId);
            await connection.InvokeAsync<WorldInfo>("JoinWorld", otherId);
            FrameStream hungFrames = await FrameStream.OpenAsync(connection, hungId), otherFrames = await FrameStream.OpenAsync(connection, otherId);
            await hungFrames.UntilAsync(f => f.Step >= 2, Patience);
            await otherFrames.UntilAsync(f => f.Step >= 2, Patience);
            WorldSession hung = directory.FindLive(hungId)!;

            await connection.InvokeAsync("SendAction", hungId, TurnLeftHangs, 1L);
            await UntilStillAsync(() => hung.Step);  // its run is in flight, for Stepping:RunTimeoutSeconds (25 s here)
            await hungFrames.DisposeAsync();
            await UntilAsync(() => hung.IsClosed);  // idle: the reaper is unloading it, and waits for the hung run
            await otherFrames.DisposeAsync();
            await UntilAsync(() => directory.FindLive(otherId) is null);

            Assert.NotNull(directory.FindLive(hungId));  // the other model's world unloaded while this one still waits
            await UntilAsync(() => directory.FindLive(hungId) is null);  // and it goes once its run is terminated
        }
        finally
        {
            await admin.Http.DeleteAsync($"/api/admin/models/{name}");
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<TestUser> AdminAsync()
    {
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        return admin;
    }

    private static async Task<string> CreateWorldAsync(TestUser user, string model)
    {
        HttpResponseMessage created = await user.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("failing model", model, 3));
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
    }

    private static async Task UntilAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        DateTime giveUp = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Until <paramref name="value"/> has not changed for 300 ms (six ticks).</summary>
    private static async Task UntilStillAsync(Func<long> value)
    {
        (long seen, DateTime since) = (value(), DateTime.UtcNow);
        while (DateTime.UtcNow - since < TimeSpan.FromMilliseconds(300))
        {
            await Task.Delay(20);
            if (value() != seen)
            {
                (seen, since) = (value(), DateTime.UtcNow);
            }
        }
    }

    /// <summary>The fixture in a folder of its own under the server's model root, renamed in its world.json.</summary>
    private static string CopyFixture(string name)
    {
        string folder = Path.Combine(WorldWebFactory.ModelRoot, name);
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Fixtures.Folder("tiny_faulty")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        string manifest = Path.Combine(folder, "world.json");
        JsonNode json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["name"] = name;
        File.WriteAllText(manifest, json.ToJsonString());
        return folder;
    }
}
