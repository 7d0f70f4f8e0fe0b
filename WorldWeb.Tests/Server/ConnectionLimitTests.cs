using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A connection over Safety:MaxConnectionsPerIp is closed by the server right after its handshake. The play page's
/// connection must say so in the server's words, whether its join went out before the close or after it (then
/// SignalR's own error is only "the connection is not active").
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task AJoinOverTheAddressLimit_SaysTooManyConnections()
    {
        var settings = new Dictionary<string, string> { ["Safety__MaxConnectionsPerIp"] = "1" };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: settings);
        await using HubConnection held = await server.ConnectAsync(new CookieContainer());  // the address's one
        for (int attempt = 0; attempt < 5; attempt++)  // the close and the join race; each order must say why
        {
            await using var page = new HubWorldConnection(new At(server.Address));
            WorldJoinException refused = await Assert.ThrowsAsync<WorldJoinException>(() => page.JoinAsync("any world", CancellationToken.None));
            Assert.StartsWith("Too many connections from your address: at most 1 at once.", refused.Message, StringComparison.Ordinal);
        }
    }

    private sealed class At : NavigationManager
    {
        public At(Uri server) => Initialize(server.ToString(), server.ToString());
    }
}
