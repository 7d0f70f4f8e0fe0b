using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

[Trait(Category.Name, Category.Unit)]
public sealed class ActorSpansTests
{
    [Fact]
    public void WhoSentEachAction_ComesBackFromTheChangePoints()
    {
        string?[] whos = ["owner", "owner", "player-abc123", "player-abc123", null, "owner"];

        string? stored = ActorSpans.Encode(whos);

        Assert.Equal("""[[0,"owner"],[2,"player-abc123"],[4,null],[5,"owner"]]""", stored);
        Assert.Equal(whos, ActorSpans.Decode(stored, whos.Length));
    }

    [Fact]
    public void AChunkNamingNobody_StoresNothing_AndAnUnreadableOneNamesNobody()
    {
        Assert.Null(ActorSpans.Encode([null, null]));
        Assert.Equal(new string?[3], ActorSpans.Decode(null, 3));
        Assert.Equal(new string?[3], ActorSpans.Decode("""{"not": "spans"}""", 3));
        Assert.Equal(new string?[] { "a", "a", "a" }, ActorSpans.Decode("""[[0,"a"],[7,"b"]]""", 3));  // a point past the chunk is ignored
    }

    [Fact]
    public void APlayersName_IsStableInOneWorld_AndTellsNothingAcrossWorlds()
    {
        Assert.Equal("owner", Actors.Who("w1", "user-1", owner: true));
        Assert.Equal(Actors.Who("w1", "user-1", owner: false), Actors.Who("w1", "user-1", owner: false));
        Assert.NotEqual(Actors.Who("w1", "user-1", owner: false), Actors.Who("w2", "user-1", owner: false));
        Assert.NotEqual(Actors.Who("w1", "user-1", owner: false), Actors.Who("w1", "user-2", owner: false));
        Assert.Matches("^player-[0-9a-f]{6}$", Actors.Who("w1", "user-1", owner: false));
    }
}
