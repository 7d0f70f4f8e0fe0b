namespace WorldWeb.Client.Contracts;

/// <summary>
/// The world hub's address, its methods and the notifications it sends (docs/protocol.md), named once for the server
/// and the browser client. <c>WorldHubProtocolTests</c> checks the server's hub and client interface against them.
/// </summary>
public static class WorldHubProtocol
{
    public const string Path = "/hubs/world";

    public const string JoinWorld = "JoinWorld";
    public const string Frames = "Frames";
    public const string SendAction = "SendAction";

    public const string WorldClosed = "WorldClosed";
    public const string WorldPaused = "WorldPaused";
}
