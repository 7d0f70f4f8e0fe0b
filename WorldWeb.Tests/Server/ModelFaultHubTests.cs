using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WorldWeb.Client.Contracts;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A model whose runs fail, loaded at runtime into the real server and played over the hub: its viewers are told
/// why their world paused, /healthz names it, and the world goes on once a run succeeds. The model is the
/// tiny_faulty fixture (a real ONNX graph that fails when a row turns right).
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ModelFaultHubTests(WorldWebFactory factory)
{
    private const int Noop = 0, TurnRightFails = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AModelFailingTickAfterTick_PausesItsWorldsWithAMessage_DegradesHealthzNamingIt_AndGoesOnWhenItRuns()
    {
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        string name = $"faulty-{Guid.NewGuid():N}"[..14];
        string folder = CopyFixture(name);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/admin/models", new LoadModelRequest(name))).StatusCode);
            HttpResponseMessage created = await admin.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("failing model", name, 3));
            string worldId = (await created.Content.ReadFromJsonAsync<CreatedWorld>())!.Id;
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
