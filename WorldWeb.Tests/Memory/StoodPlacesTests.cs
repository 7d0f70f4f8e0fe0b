using WorldWeb.Inference.Poses;
using WorldWeb.Memory;
using static WorldWeb.Tests.Memory.MemoryFixtures;

namespace WorldWeb.Tests.Memory;

[Trait(Category.Name, Category.Unit)]
public sealed class StoodPlacesTests
{
    [Fact]
    public void APlaceStoodOn_IsHeldWithinItsTolerance_WhateverTheHeading_AndNoFurther()
    {
        var stood = new StoodPlaces();
        stood.Add(new Pose(3.45, 7.05, 0));  // near a corner of its square: the squares around are searched too

        Assert.True(stood.Contains(new Pose(3.45, 7.05, Math.PI)));
        Assert.True(stood.Contains(new Pose(3.45 + 0.015, 7.05 - 0.01, 1)));
        Assert.False(stood.Contains(new Pose(3.45 + 0.025, 7.05, 0)));
        Assert.False(stood.Contains(new Pose(3.55, 7.05, 0)));  // one step on
    }

    [Fact]
    public void PlacesNearOnesHeld_AreNotAddedAgain_SoAReturnAddsNothing()
    {
        var stood = new StoodPlaces();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i <= 20; i++)
            {
                stood.Add(new Pose(1 + 0.1 * i, 1, 0));  // there and back along one corridor, three times
            }
        }

        Assert.Equal(21, stood.Places.Count);
    }

    [Fact]
    public void Remember_NotesEveryPoseOffered_EvenWhereNoFrameIsKept()
    {
        var memory = new WorldMemory(new MemoryPolicy(), JpegFrames);
        var random = new Random(1);
        byte[] frame = Frame(random);
        for (int i = 0; i < 10; i++)
        {
            memory.Remember(frame, new Pose(2 + 0.1 * i, 2, 0), i + 1);  // the same frame: the policy keeps few of them
        }

        Assert.True(memory.Entries.Count < 10, $"{memory.Entries.Count} entries");
        Assert.Equal(10, memory.Stood.Places.Count);
        Assert.True(memory.Stood.Contains(new Pose(2.9, 2, 0)));
        Assert.Equal(memory.Stood.Places, memory.Snapshot().StoodPlaces);
    }
}
