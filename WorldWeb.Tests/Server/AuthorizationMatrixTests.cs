extern alias server;

using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldHub = server::WorldWeb.Server.Play.WorldHub;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Every role × every REST endpoint and hub method, allowed or denied. The world under test is private and
/// belongs to a signed-in owner; viewer and player reach it through share links (which only the hub honours,
/// so on REST they are strangers); the other owner is a signed-in account with a world of its own; the admin
/// watches any world and manages it through /api/admin, not through the owner's endpoints.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AuthorizationMatrixTests(WorldWebFactory factory)
{
    public enum Role { Anonymous, Viewer, Player, Owner, OtherOwner, Admin }

    private sealed record Scene(Dictionary<Role, TestUser> Users, string WorldId, string SaveId, string LinkId, string ViewerToken, string PlayerToken, string SpareEmail, string Password,
        string? ClipId);

    /// <summary>
    /// One endpoint: its route as mapped, the request, and the status each role gets (in <see cref="Role"/> order); a
    /// stream's answer is judged by its headers (its body does not end).
    /// </summary>
    private sealed record Case(string Method, string Route, Func<Scene, Role, HttpRequestMessage> Request, int[] Expected, bool Streams = false);

    private static readonly Case[] Rest =
    [
        new("ANY", "/healthz", (_, _) => Get("/healthz"), [200, 200, 200, 200, 200, 200]),
        new("ANY", "/metrics", (_, _) => Get("/metrics"), [200, 200, 200, 200, 200, 200]),
        new("POST", "/api/play/stats", (_, _) => Post("/api/play/stats", new PlayStatsReport(40, 80, 10, 20, 5)), [204, 204, 204, 204, 204, 204]),
        new("GET", "/api/models", (_, _) => Get("/api/models"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/account", (_, _) => Get("/api/account"), [200, 200, 200, 200, 200, 200]),
        new("POST", "/api/account/signup", (_, _) => Post("/api/account/signup", new Credentials(TestUser.NewEmail(), "long enough password")), [201, 201, 201, 201, 201, 201]),
        new("POST", "/api/account/signin", (s, _) => Post("/api/account/signin", new Credentials(s.SpareEmail, s.Password)), [200, 200, 200, 200, 200, 200]),
        new("POST", "/api/account/signout", (_, _) => Post("/api/account/signout", new { }), [204, 204, 204, 204, 204, 204]),
        new("POST", "/api/worlds", (_, _) => Post("/api/worlds", new CreateWorldRequest("matrix", null, 1)), [201, 201, 201, 201, 201, 201]),
        new("GET", "/api/worlds", (_, _) => Get("/api/worlds"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/worlds/{id}", (s, _) => Get($"/api/worlds/{s.WorldId}"), [404, 404, 404, 200, 404, 200]),
        new("GET", "/api/worlds/{id}/frame", (s, _) => Get($"/api/worlds/{s.WorldId}/frame"), [404, 404, 404, 200, 404, 200]),
        new("PATCH", "/api/worlds/{id}", (s, _) => new HttpRequestMessage(HttpMethod.Patch, $"/api/worlds/{s.WorldId}") { Content = JsonContent.Create(new UpdateWorldRequest(Title: "matrix, renamed")) }, [404, 404, 404, 200, 404, 403]),
        new("DELETE", "/api/worlds/{id}", (s, _) => Delete($"/api/worlds/{s.WorldId}"), [404, 404, 404, 204, 404, 403]),
        new("GET", "/api/lobby/live", (_, _) => Get("/api/lobby/live"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/lobby/live/stream", (_, _) => Get("/api/lobby/live/stream"), [200, 200, 200, 200, 200, 200], Streams: true),
        new("GET", "/api/lobby/worlds/{id}/thumbnail", (s, _) => Get($"/api/lobby/worlds/{s.WorldId}/thumbnail"), [404, 404, 404, 200, 404, 403]),
        new("POST", "/api/worlds/{id}/saves", (s, _) => Post($"/api/worlds/{s.WorldId}/saves", new CreateSaveRequest("m")), [404, 404, 404, 201, 404, 403]),
        new("GET", "/api/worlds/{id}/saves", (s, _) => Get($"/api/worlds/{s.WorldId}/saves"), [404, 404, 404, 200, 404, 403]),
        new("DELETE", "/api/worlds/{id}/saves/{saveId}", (s, _) => Delete($"/api/worlds/{s.WorldId}/saves/{s.SaveId}"), [404, 404, 404, 204, 404, 403]),
        new("POST", "/api/worlds/{id}/fork", (s, _) => Post($"/api/worlds/{s.WorldId}/fork", new ForkRequest(s.SaveId)), [404, 404, 404, 201, 404, 403]),
        new("POST", "/api/worlds/{id}/links", (s, _) => Post($"/api/worlds/{s.WorldId}/links", new CreateShareLinkRequest("viewer", null)), [404, 404, 404, 201, 404, 403]),
        new("GET", "/api/worlds/{id}/links", (s, _) => Get($"/api/worlds/{s.WorldId}/links"), [404, 404, 404, 200, 404, 403]),
        new("DELETE", "/api/worlds/{id}/links/{linkId}", (s, _) => Delete($"/api/worlds/{s.WorldId}/links/{s.LinkId}"), [404, 404, 404, 204, 404, 403]),
        new("GET", "/api/worlds/{id}/actions", (s, _) => Get($"/api/worlds/{s.WorldId}/actions"), [404, 404, 404, 200, 404, 403]),
        new("PUT", "/api/worlds/{id}/actions", (s, _) => new HttpRequestMessage(HttpMethod.Put, $"/api/worlds/{s.WorldId}/actions") { Content = JsonContent.Create(new ActionMask([2])) }, [404, 404, 404, 200, 404, 403]),
        new("GET", "/api/admin/sessions", (_, _) => Get("/api/admin/sessions"), [403, 403, 403, 403, 403, 200]),
        new("GET", "/api/admin/history", (_, _) => Get("/api/admin/history"), [403, 403, 403, 403, 403, 200]),
        new("GET", "/api/admin/history.svg", (_, _) => Get("/api/admin/history.svg"), [403, 403, 403, 403, 403, 200]),
        new("GET", "/api/admin/worlds", (s, _) => Get($"/api/admin/worlds?q={s.WorldId}"), [403, 403, 403, 403, 403, 200]),
        new("POST", "/api/admin/worlds/{id}/save", (s, _) => Post($"/api/admin/worlds/{s.WorldId}/save", new { }), [403, 403, 403, 403, 403, 201]),
        new("POST", "/api/admin/worlds/{id}/stop", (s, _) => Post($"/api/admin/worlds/{s.WorldId}/stop", new { }), [403, 403, 403, 403, 403, 204]),
        new("DELETE", "/api/admin/worlds/{id}", (s, _) => Delete($"/api/admin/worlds/{s.WorldId}"), [403, 403, 403, 403, 403, 204]),
        new("GET", "/api/admin/worlds/{id}/links", (s, _) => Get($"/api/admin/worlds/{s.WorldId}/links"), [403, 403, 403, 403, 403, 200]),
        new("DELETE", "/api/admin/worlds/{id}/links/{linkId}", (s, _) => Delete($"/api/admin/worlds/{s.WorldId}/links/{s.LinkId}"), [403, 403, 403, 403, 403, 204]),
        new("GET", "/api/admin/audit", (s, _) => Get($"/api/admin/audit?target={s.WorldId}"), [403, 403, 403, 403, 403, 200]),
        new("GET", "/api/admin/system", (_, _) => Get("/api/admin/system"), [403, 403, 403, 403, 403, 200]),
        new("GET", "/api/admin/nodes", (_, _) => Get("/api/admin/nodes"), [403, 403, 403, 403, 403, 200]),
        // An address no node has: the matrix drains nothing (ClusterTests drain a real node).
        new("POST", "/api/admin/nodes/drain", (_, _) => Post("/api/admin/nodes/drain", new DrainRequest("127.0.0.1:1@1")), [403, 403, 403, 403, 403, 404]),
        // The admin's request names a folder outside the model root, so the matrix loads nothing (AdminModelsApiTests load for real).
        new("POST", "/api/admin/models", (_, _) => Post("/api/admin/models", new LoadModelRequest("/etc")), [403, 403, 403, 403, 403, 400]),
        new("DELETE", "/api/admin/models/{name}", (_, _) => Delete("/api/admin/models/no-such-model"), [403, 403, 403, 403, 403, 404]),
        // Viewer and player ask through their links; none of them joined, so only the owner may clip (ClipTests: after a join).
        new("POST", "/api/clips", (s, r) => Post("/api/clips", new CreateClipRequest(r switch { Role.Viewer => s.ViewerToken, Role.Player => s.PlayerToken, _ => s.WorldId }, 0, 0)),
            [404, 403, 403, 202, 404, 403]),
        new("GET", "/api/clips", (_, _) => Get("/api/clips"), [200, 200, 200, 200, 200, 200]),
        // A clip's link is all it takes to watch it.
        new("GET", "/api/clips/{id}", (s, _) => Get($"/api/clips/{s.ClipId}"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/clips/{id}/video.mp4", (s, _) => Get($"/api/clips/{s.ClipId}/video.mp4"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/clips/{id}/events.jsonl", (s, _) => Get($"/api/clips/{s.ClipId}/events.jsonl"), [200, 200, 200, 200, 200, 200]),
        new("GET", "/api/clips/{id}/clip.gif", (s, _) => Get($"/api/clips/{s.ClipId}/clip.gif"), [200, 200, 200, 200, 200, 200]),
        new("DELETE", "/api/clips/{id}", (s, _) => Delete($"/api/clips/{s.ClipId}"), [403, 403, 403, 204, 403, 403]),
    ];

    /// <summary>Hub methods: allowed (true) or refused with a HubException, per role.</summary>
    private static readonly Dictionary<string, bool[]> Hub = new()
    {
        ["JoinWorld"] = [false, true, true, true, false, true],
        ["Frames"] = [false, true, true, true, false, true],
        ["SendAction"] = [false, false, true, true, false, false],
        // A place in line is for whoever may join: the rights are checked before anyone waits.
        ["WaitInLine"] = [false, true, true, true, false, true],
    };

    [Fact]
    public void Matrix_CoversEveryEndpointAndHubMethod()
    {
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw is "/healthz" or "/metrics"))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}") ?? [$"ANY {e.RoutePattern.RawText}"])
            .ToHashSet();
        Assert.Equal(mapped.Order(), Rest.Select(c => $"{c.Method} {c.Route}").Order());

        string[] hubMethods = [.. typeof(WorldHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            // Connection lifecycle overrides (OnConnectedAsync, OnDisconnectedAsync) are not callable by clients.
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(WorldHub)).Select(m => m.Name)];
        Assert.Equal(hubMethods.Order(), Hub.Keys.Order());
    }

    [Fact]
    public async Task Rest_EveryRoleGetsItsStatusOnEveryEndpoint()
    {
        var failures = new List<string>();
        foreach (Case c in Rest)
        {
            Scene scene = await SceneAsync(withClip: c.Route.StartsWith("/api/clips/", StringComparison.Ordinal));
            // Denied roles first: a role that is allowed may delete what the next one would be asked about.
            foreach (Role role in Enum.GetValues<Role>().OrderBy(r => c.Expected[(int)r] < 300))
            {
                using HttpResponseMessage response = await scene.Users[role].Http.SendAsync(c.Request(scene, role),
                    c.Streams ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
                if ((int)response.StatusCode != c.Expected[(int)role])
                {
                    failures.Add($"{c.Method} {c.Route} as {role}: {(int)response.StatusCode}, expected {c.Expected[(int)role]}");
                }
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Hub_EveryRoleIsAllowedOrRefusedOnEveryMethod()
    {
        Scene scene = await SceneAsync();
        var failures = new List<string>();
        foreach (Role role in Enum.GetValues<Role>())
        {
            await using HubConnection connection = await scene.Users[role].ConnectAsync();
            string worldRef = role switch { Role.Viewer => scene.ViewerToken, Role.Player => scene.PlayerToken, _ => scene.WorldId };
            Check("JoinWorld", role, await Succeeds(() => connection.InvokeAsync<WorldInfo>("JoinWorld", worldRef)), failures);
            Check("Frames", role, await Succeeds(async () =>
            {
                await using FrameStream frames = await FrameStream.OpenAsync(connection, scene.WorldId);
                await frames.NextAsync(TimeSpan.FromSeconds(20));
            }), failures);
            Check("SendAction", role, await Succeeds(() => connection.InvokeAsync("SendAction", scene.WorldId, 1, 1L)), failures);
            // The server is not full, so a caller who may join is admitted at once.
            Check("WaitInLine", role, await Succeeds(async () =>
            {
                var line = await connection.StreamAsChannelAsync<LinePlace>("WaitInLine", worldRef);
                Assert.True((await line.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20))).Admitted);
            }), failures);
        }
        Assert.Empty(failures);
    }

    private static void Check(string method, Role role, bool succeeded, List<string> failures)
    {
        if (succeeded != Hub[method][(int)role])
        {
            failures.Add($"{method} as {role}: {(succeeded ? "allowed" : "refused")}, expected {(Hub[method][(int)role] ? "allowed" : "refused")}");
        }
    }

    private static async Task<bool> Succeeds(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (HubException)
        {
            return false;
        }
        catch (System.Threading.Channels.ChannelClosedException closed) when (closed.InnerException is HubException)
        {
            return false;
        }
    }

    private async Task<Scene> SceneAsync(bool withClip = false)
    {
        const string password = "matrix password";
        var users = new Dictionary<Role, TestUser>();
        foreach (Role role in Enum.GetValues<Role>())
        {
            users[role] = await TestUser.CreateAsync(factory);
        }
        await users[Role.Owner].SignInAsync(TestUser.NewEmail(), password, signUp: true);
        await users[Role.OtherOwner].SignInAsync(TestUser.NewEmail(), password, signUp: true);
        await users[Role.OtherOwner].CreateWorldAsync();
        string spare = TestUser.NewEmail();
        await (await TestUser.CreateAsync(factory)).SignInAsync(spare, password, signUp: true);
        await users[Role.Admin].SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);

        TestUser owner = users[Role.Owner];
        CreatedWorld world = await owner.CreateWorldAsync();
        HttpResponseMessage saved = await owner.Http.PostAsJsonAsync($"/api/worlds/{world.Id}/saves", new CreateSaveRequest("start"));
        saved.EnsureSuccessStatusCode();
        SaveInfo save = (await saved.Content.ReadFromJsonAsync<SaveInfo>())!;
        ShareLinkInfo viewer = await owner.ShareAsync(world.Id, WorldRoles.Viewer);
        ShareLinkInfo player = await owner.ShareAsync(world.Id, WorldRoles.Player);
        string? clipId = withClip ? (await ClipVideo.RenderAsync(owner.Http, world.Id, 0, 0)).Id : null;
        return new Scene(users, world.Id, save.Id, viewer.Id, viewer.Token, player.Token, spare, password, clipId);
    }

    private static string Normalize(string route) => route.Length > 1 ? route.TrimEnd('/') : route;

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Delete(string url) => new(HttpMethod.Delete, url);

    private static HttpRequestMessage Post<T>(string url, T body) => new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
}
