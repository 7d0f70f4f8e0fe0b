extern alias server;

using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

public enum HubProtocol
{
    Json,
    MessagePack,
}

/// <summary>One anonymous visitor: its identity cookie, an HttpClient carrying it, and hub connections carrying it.</summary>
public sealed class TestUser
{
    private readonly TestServer _server;

    private TestUser(TestServer server, HttpClient http, string cookie)
    {
        _server = server;
        Http = http;
        Cookie = cookie;
    }

    public HttpClient Http { get; }

    public string Cookie { get; private set; }

    public static async Task<TestUser> CreateAsync<TProgram>(WebApplicationFactory<TProgram> factory)
        where TProgram : class
    {
        HttpClient http = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        HttpResponseMessage first = await http.GetAsync("/api/models");
        first.EnsureSuccessStatusCode();
        string cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return new TestUser(factory.Server, http, cookie);
    }

    /// <summary>Signs up (or in, when <paramref name="signUp"/> is false) and carries the account's cookie from then on.</summary>
    public async Task<AccountInfo> SignInAsync(string email, string password, bool signUp = false)
    {
        HttpResponseMessage response = await Http.PostAsJsonAsync(signUp ? "/api/account/signup" : "/api/account/signin", new Credentials(email, password));
        response.EnsureSuccessStatusCode();
        Cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("worldweb.id=", StringComparison.Ordinal)).Split(';')[0];
        Http.DefaultRequestHeaders.Remove("Cookie");
        Http.DefaultRequestHeaders.Add("Cookie", Cookie);
        return (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
    }

    public static string NewEmail() => $"{Guid.NewGuid():N}@worldweb.test";

    public async Task<CreatedWorld> CreateWorldAsync(long seed = 7, bool isPublic = false, string title = "test world", bool memory = true)
    {
        HttpResponseMessage response = await Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest(title, null, seed, isPublic, memory));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedWorld>())!;
    }

    public async Task<ShareLinkInfo> ShareAsync(string worldId, string role, double? hours = null)
    {
        HttpResponseMessage response = await Http.PostAsJsonAsync($"/api/worlds/{worldId}/links", new CreateShareLinkRequest(role, hours));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ShareLinkInfo>())!;
    }

    public async Task<HubConnection> ConnectAsync(HubProtocol protocol = HubProtocol.Json)
    {
        IHubConnectionBuilder builder = new HubConnectionBuilder().WithUrl(new Uri(_server.BaseAddress, "/hubs/world"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.HttpMessageHandlerFactory = _ => _server.CreateHandler();
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                WebSocketClient client = _server.CreateWebSocketClient();
                client.ConfigureRequest = request => request.Headers["Cookie"] = Cookie;
                return await client.ConnectAsync(context.Uri, cancellationToken);
            };
        });
        if (protocol == HubProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }
        HubConnection connection = builder.Build();
        await connection.StartAsync();
        return connection;
    }
}
