using WorldWeb.Server.Line;

namespace WorldWeb.Tests.Server;

/// <summary>The estimate a place in line is shown (<see cref="LinePace"/>).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class LinePaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BeforeTwoAdmissions_TheEstimateIsUnknown()
    {
        var pace = new LinePace();
        Assert.Null(pace.SecondsUntil(1, Start));
        pace.Admitted(Start);
        Assert.Null(pace.SecondsUntil(1, Start));
    }

    [Fact]
    public void APosition_WaitsAsManyGapsBetweenRecentAdmissions()
    {
        var pace = new LinePace();
        pace.Admitted(Start);
        pace.Admitted(Start.AddSeconds(10));
        pace.Admitted(Start.AddSeconds(30));  // a gap of 15 s on average

        Assert.Equal(15, pace.SecondsUntil(1, Start.AddSeconds(31)));
        Assert.Equal(45, pace.SecondsUntil(3, Start.AddSeconds(31)));
    }

    [Fact]
    public void AdmissionsOlderThanTheWindow_NoLongerCount()
    {
        var pace = new LinePace();
        pace.Admitted(Start);
        pace.Admitted(Start.AddSeconds(1));

        Assert.Equal(1, pace.SecondsUntil(1, Start.AddMinutes(1)));
        Assert.Null(pace.SecondsUntil(1, Start + LinePace.Window + TimeSpan.FromSeconds(2)));
    }
}
