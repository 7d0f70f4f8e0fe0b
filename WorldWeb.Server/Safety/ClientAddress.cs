using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Safety;

/// <summary>
/// The key every per-address limit counts a client under: an IPv4 address itself, an IPv6 address by its network
/// prefix (<see cref="SafetyOptions.Ipv6PrefixLength"/>, /64 unless configured), so that walking through the
/// addresses of one's own /64 does not multiply one's quota.
/// </summary>
public static class ClientAddress
{
    /// <summary>The key of the request's client, as the forwarded-headers middleware left its address.</summary>
    public static string Of(HttpContext http) =>
        KeyOf(http.Connection.RemoteIpAddress, http.RequestServices.GetRequiredService<IOptions<SafetyOptions>>().Value.Ipv6PrefixLength);

    /// <summary>"203.0.113.7", "2001:db8:1:2::/64"; "unknown" when there is no address (a test host, a Unix socket).</summary>
    public static string KeyOf(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ipv6PrefixLength >= 128)
        {
            return address.ToString();
        }
        byte[] bytes = address.GetAddressBytes();
        for (int bit = ipv6PrefixLength; bit < 128; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return $"{new IPAddress(bytes)}/{ipv6PrefixLength}";
    }
}
