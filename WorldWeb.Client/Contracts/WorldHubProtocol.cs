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
    public const string WaitInLine = "WaitInLine";

    /// <summary>
    /// How a <c>JoinWorld</c> refusal begins when the world needs a place the server does not have now (or others already
    /// wait for one): the caller then takes a place in line with <c>WaitInLine</c>, and joins when it is admitted.
    /// </summary>
    public const string ServerFull = "The server is full";

    public const string WorldClosed = "WorldClosed";
    public const string WorldPaused = "WorldPaused";
}
