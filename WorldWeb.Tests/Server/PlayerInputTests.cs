using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>A world's held action and waiting presses, as the scheduler takes them step by step.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class PlayerInputTests
{
    private const int Forward = 1, Paint = 4, Jump = 5;

    /// <summary>One step as the scheduler makes it: the next action, then (the step logged) confirmed.</summary>
    private static StepAction Step(PlayerInput input)
    {
        StepAction next = input.Next();
        input.Applied(next);
        return next;
    }

    [Fact]
    public void APress_IsTheActionOfOneStep_ThenTheHeldActionIsInForceAgain()
    {
        var input = new PlayerInput();
        input.Submit(Forward, 1, "a", press: false);
        input.Submit(Paint, 2, "a", press: true);

        Assert.Equal([new(Paint, 2, true), new(Forward, 1, false), new(Forward, 1, false)], [Step(input), Step(input), Step(input)]);
    }

    [Fact]
    public void APressNotConfirmed_TheTickFailed_IsTheNextStepsActionStill()
    {
        var input = new PlayerInput();
        input.Submit(Forward, 1, "a", press: false);
        input.Submit(Paint, 2, "a", press: true);

        StepAction failed = input.Next();

        Assert.Equal(new StepAction(Paint, 2, true), failed);
        Assert.Equal(failed, Step(input));
        Assert.Equal(new StepAction(Forward, 1, false), Step(input));
    }

    [Fact]
    public void Presses_BeforeOneStep_WaitInOrder_FourAtMost()
    {
        var input = new PlayerInput();

        bool[] taken = [.. Enumerable.Range(1, 5).Select(seq => input.Submit(seq % 2 == 0 ? Jump : Paint, seq, "a", press: true))];

        Assert.Equal([true, true, true, true, false], taken);
        Assert.Equal(PlayerInput.MaxPendingPresses, input.PendingPresses);
        Assert.Equal([1L, 2, 3, 4], [Step(input).Seq, Step(input).Seq, Step(input).Seq, Step(input).Seq]);
        Assert.Equal(new StepAction(0, 0, false), Step(input));
        Assert.True(input.Submit(Paint, 6, "a", press: true), "a press is taken again once the queue has room");
    }

    [Fact]
    public void AHeldActionSentMeanwhile_DoesNotCancelAWaitingPress()
    {
        var input = new PlayerInput();
        input.Submit(Paint, 1, "a", press: true);
        input.Submit(0, 2, "a", press: false);

        Assert.Equal(new StepAction(Paint, 1, true), Step(input));
        Assert.Equal(new StepAction(0, 2, false), Step(input));
    }

    [Fact]
    public void TheHoldersConnectionLeaving_LetsGoOfTheKey_ButItsPressesStayDue()
    {
        var input = new PlayerInput();
        input.Submit(Forward, 1, "a", press: false);
        input.Release("b");
        Assert.Equal(new StepAction(Forward, 1, false), input.Next());
        input.Submit(Paint, 2, "a", press: true);

        input.Release("a");

        Assert.Equal(new StepAction(Paint, 2, true), Step(input));
        Assert.Equal(new StepAction(0, 1, false), Step(input));
    }
}
