using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class PlayMathTests
{
    private static readonly ActionInfo[] Actions =
    [
        new(0, "forward", ["KeyW"]),
        new(1, "noop", []),
        new(2, "left", ["KeyA", "ArrowLeft"]),
    ];

    [Fact]
    public void ActionKeys_IdleIsTheActionNamedNoop() => Assert.Equal(1, new ActionKeys(Actions).IdleAction);

    [Fact]
    public void ActionKeys_LatestHeldKeyWinsAndReleasingItFallsBackToTheOlderOne()
    {
        var keys = new ActionKeys(Actions);

        Assert.Equal(0, keys.Press("KeyW"));
        Assert.Equal(2, keys.Press("ArrowLeft"));
        Assert.Equal(0, keys.Release("ArrowLeft"));
        Assert.Equal(1, keys.Release("KeyW"));
    }

    [Fact]
    public void ActionKeys_UnmappedAndUnchangedKeysSendNothing()
    {
        var keys = new ActionKeys(Actions);

        Assert.Null(keys.Press("KeyZ"));
        Assert.Null(keys.Release("KeyW"));
        Assert.Equal(2, keys.Press("KeyA"));
        Assert.Null(keys.Press("ArrowLeft"));
    }

    [Fact]
    public void ActionKeys_CarriedToARejoin_KeepTheHeldKeysInTheOrderTheyWerePressed()
    {
        var keys = new ActionKeys(Actions);
        keys.Press("KeyW");
        keys.Press("KeyA");
        keys.Press("KeyZ");

        var carried = keys.Carry(Actions);

        Assert.Equal(2, carried.Current);
        Assert.Equal(0, carried.Release("KeyA"));
        Assert.Equal(1, carried.Release("KeyW"));
        Assert.Equal(carried.IdleAction, new ActionKeys(Actions).Carry(Actions).Current);
    }

    private static readonly ActionInfo[] WithPaint =
    [
        new(0, "noop", []),
        new(1, "forward", ["KeyW"]),
        new(2, "left", ["KeyA"]),
        new(3, "paint", ["KeyF", "Space"], Press: true, ChangesWorld: true),
    ];

    [Fact]
    public void ActionKeys_APressKey_SendsItsActionOncePerKeydown_AndLeavesTheHeldActionInForce()
    {
        var keys = new ActionKeys(WithPaint);
        Assert.Equal(1, keys.Press("KeyW"));

        Assert.Equal(3, keys.Press("KeyF"));
        Assert.Null(keys.Press("KeyF"));
        Assert.Null(keys.Release("KeyF"));
        Assert.Equal(1, keys.Current);
        Assert.Equal(3, keys.Press("KeyF"));
        Assert.Equal(3, keys.Press("Space"));
        Assert.Equal(2, keys.Press("KeyA"));
        Assert.Equal(1, keys.Release("KeyA"));
    }

    [Fact]
    public void ActionKeys_APressIsNeverTheIdleAction_NorCarriedAsHeld()
    {
        var keys = new ActionKeys([new(0, "paint", [], Press: true), new(1, "stand", []), new(2, "forward", ["KeyW"])]);
        Assert.Equal(1, keys.IdleAction);

        var withF = new ActionKeys(WithPaint);
        withF.Press("KeyF");
        var carried = withF.Carry(WithPaint);

        Assert.Equal(carried.IdleAction, carried.Current);
        Assert.Null(carried.Press("KeyF"));
        Assert.Null(carried.Release("KeyF"));
        Assert.Equal(3, carried.Press("KeyF"));
    }

    [Fact]
    public void ActionKeys_LosingFocus_ForgetsAPressKeyThatWasDown()
    {
        var keys = new ActionKeys(WithPaint);
        keys.Press("KeyF");

        keys.ReleaseAll();

        Assert.Equal(3, keys.Press("KeyF"));
    }

    [Fact]
    public void FrameStats_LatencyRunsFromSendingToTheFirstFrameCarryingTheSeq()
    {
        var stats = new FrameStats();
        stats.ActionSent(5, nowMs: 1000);

        stats.FrameArrived(1, lastActionSeq: 4, nowMs: 1030);
        Assert.Null(stats.LatencyMs);
        stats.FrameArrived(2, lastActionSeq: 5, nowMs: 1045);
        Assert.Equal(45, stats.LatencyMs);
        stats.FrameArrived(3, lastActionSeq: 5, nowMs: 1100);
        Assert.Equal(45, stats.LatencyMs);
    }

    [Fact]
    public void FrameStats_FpsCountsTheRecentFrames()
    {
        var stats = new FrameStats();
        for (var i = 0; i <= 40; i++)
        {
            stats.FrameArrived(i, 0, nowMs: i * 50);
        }

        Assert.Equal(20, stats.Fps!.Value, precision: 6);
        Assert.Equal(0, stats.JitterMs!.Value, precision: 6);
        Assert.Equal(40, stats.Step);
    }

    [Fact]
    public void FrameStats_ShowsNoRateUntilFramesSpanASecond_SoTheOpeningBurstDoesNotReadFast()
    {
        var stats = new FrameStats();
        // A stream opens with frames that were waiting: ten in 100 ms, then 20 fps.
        for (var i = 0; i < 10; i++) stats.FrameArrived(i, 0, nowMs: i * 10);
        Assert.Null(stats.Fps);
        for (var i = 10; i <= 30; i++) stats.FrameArrived(i, 0, nowMs: 90 + (i - 9) * 50);
        Assert.InRange(stats.Fps!.Value, 20, 28);
        for (var i = 31; i <= 80; i++) stats.FrameArrived(i, 0, nowMs: 90 + (i - 9) * 50);
        Assert.Equal(20, stats.Fps!.Value, precision: 6);
    }

    [Fact]
    public void FrameStats_LatencyPercentilesAndPacing_OverTheRecentFrames()
    {
        var stats = new FrameStats();
        var now = 0.0;
        for (var seq = 1; seq <= 100; seq++)
        {
            stats.ActionSent(seq, now);
            // 99 answers in 40 ms and one in 200; frames alternate 40 and 60 ms apart.
            now += seq == 50 ? 200 : 40;
            stats.FrameArrived(seq, lastActionSeq: seq, nowMs: now);
            now += seq % 2 == 0 ? 20 : 0;
        }

        Assert.Equal(40, stats.LatencyP50Ms);
        Assert.Equal(200, stats.LatencyP99Ms);
        Assert.InRange(stats.JitterMs!.Value, 9, 11);
    }

    [Theory]
    [InlineData("KeyW", "W")]
    [InlineData("ArrowUp", "↑")]
    [InlineData("ShiftLeft", "Shift")]
    [InlineData("Digit1", "1")]
    [InlineData("KeyF", "F")]
    [InlineData("Space", "Space")]
    public void KeyNames_AreShort(string code, string label) => Assert.Equal(label, KeyNames.Label(code));

    [Fact]
    public void MoveKeys_DescribesWasdAndArrows()
    {
        ActionInfo[] actions =
        [
            new(0, "noop", []), new(1, "back", ["KeyS", "ArrowDown"]), new(2, "forward", ["KeyW", "ArrowUp"]),
            new(3, "right", ["KeyD", "ArrowRight"]), new(4, "left", ["KeyA", "ArrowLeft"]), new(5, "strafe", ["KeyQ"]),
        ];

        Assert.Equal("WASD / arrows", MoveKeys.Describe(actions));
    }

    [Fact]
    public void MoveKeys_LeavesPressesOutOfMoving_AndNamesThemApart()
    {
        ActionInfo[] actions =
        [
            new(0, "noop", []), new(1, "forward", ["KeyW"]), new(2, "left", ["KeyA"]),
            new(3, "paint", ["KeyF", "Space"], Press: true), new(4, "open_door", ["KeyO"], Press: true),
        ];

        Assert.Equal("WA", MoveKeys.Describe(actions));
        Assert.Equal("F to paint, O to open door", MoveKeys.DescribePresses(actions));
        Assert.Null(MoveKeys.DescribePresses(actions[..3]));
    }

    [Fact]
    public void MoveKeys_WithoutArrows_ListsTheKeys()
    {
        ActionInfo[] actions = [new(0, "noop", []), new(1, "jump", ["Space"]), new(2, "duck", ["ShiftLeft"])];

        Assert.Equal("Space / Shift", MoveKeys.Describe(actions));
    }
}
