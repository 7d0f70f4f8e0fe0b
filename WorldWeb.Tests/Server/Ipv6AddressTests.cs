using System.Net;
using System.Net.Http.Json;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Safety;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Per-address limits count an IPv6 client by its /64 (Safety:Ipv6PrefixLength): a subscriber handed a /64 cannot
/// multiply its quota by taking a new address in it for every request.
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class Ipv6AddressTests
{
    [Theory]
    [InlineData("203.0.113.7", 64, "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", 64, "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2ff::1", 56, "2001:db8:1:200::/56")]
    [InlineData("2001:db8:1:2::1", 128, "2001:db8:1:2::1")]
    public void AnAddress_IsCountedUnderItsKey(string address, int prefix, string key) =>
        Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address), prefix));

    [Fact]
    public void NoAddress_IsUnknown() => Assert.Equal("unknown", ClientAddress.KeyOf(null, 64));

    [Fact]
    public async Task NewAddressesInOneSlash64_ShareItsWorldQuota_AnotherSlash64HasItsOwn()
    {
        var settings = new Dictionary<string, string> { ["Safety__WorldsPerMinutePerIp"] = "2" };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: settings);

        // A new visitor (no cookie) at a new address of the same /64 each time, as a rotating client would be.
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(server, "2001:db8:1:2::10"));
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(server, "2001:db8:1:2::20"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await CreateAsync(server, "2001:db8:1:2:ffff:eeee:dddd:1"));
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(server, "2001:db8:1:3::10"));
    }

    private static async Task<HttpStatusCode> CreateAsync(ServerProcess server, string address)
    {
        using HttpClient stranger = server.Client(new CookieContainer(), address);
        HttpResponseMessage response = await stranger.PostAsJsonAsync("/api/worlds", new CreateWorldRequest($"from {address}", null, 1));
        return response.StatusCode;
    }
}
