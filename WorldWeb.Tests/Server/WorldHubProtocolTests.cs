using System.Reflection;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Play;

namespace WorldWeb.Tests.Server;

/// <summary>The names the browser client calls are the names the server answers to.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class WorldHubProtocolTests
{
    [Fact]
    public void HubMethodsAndNotifications_AreTheSharedNames()
    {
        string[] hubMethods = [.. typeof(WorldHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(WorldHub)).Select(m => m.Name).Order()];
        string[] notifications = [.. typeof(IWorldClient).GetMethods().Select(m => m.Name).Order()];

        Assert.Equal([WorldHubProtocol.Frames, WorldHubProtocol.JoinWorld, WorldHubProtocol.SendAction, WorldHubProtocol.WaitInLine], hubMethods);
        Assert.Equal([WorldHubProtocol.WorldClosed, WorldHubProtocol.WorldPaused], notifications);
        Assert.Equal(WorldHubProtocol.Path, WorldHub.Path);
    }
}
