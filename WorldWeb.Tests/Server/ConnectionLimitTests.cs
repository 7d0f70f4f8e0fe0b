using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
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
        // Counted once the hub took it, which its handshake does not wait for; a call answered (here a refusal of the
        // bad reference) proves it, so the page's connections below come after it.
        await Assert.ThrowsAsync<HubException>(() => held.InvokeAsync<WorldInfo>("JoinWorld", "any world"));
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
