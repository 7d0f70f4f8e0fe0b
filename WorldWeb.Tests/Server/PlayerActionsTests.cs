using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WorldWeb.Inference.Packages;
using WorldWeb.Server.Database;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>The one rule the hub and the world's grain take players' actions by, presses included.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class PlayerActionsTests : IDisposable
{
    private readonly PressModel _copy = new();
    private readonly ModelPackage _package;
    private readonly WorldSession _session;
    private readonly ActionMasks _masks = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly PlayerActions _actions;

    public PlayerActionsTests()
    {
        _package = _copy.Load();
        _session = TestSchedulers.NewSession(new LoadedModel(_package), 5);
        // These tests take actions whose rights are already decided: the stores that decide them are never read here.
        var rights = new CallerRights(new WorldStore(null!, TimeProvider.System), new ShareLinkStore(null!, new LinkGrants(TimeProvider.System), TimeProvider.System),
            new AccountStandings(null!), Options.Create(new DatabaseOptions()), TimeProvider.System);
        _actions = new PlayerActions(_masks, rights, _services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public void APressTheOwnerMasked_IsRefusedToPlayers_AndTakenFromTheOwner()
    {
        _masks.Set(_session.Id, [PressModel.Paint]);

        string? refused = _actions.Submit(_session, PressModel.Paint, 1, "player", owner: false);
        string? taken = _actions.Submit(_session, PressModel.Paint, 2, "owner", owner: true);

        Assert.Equal($"Action {PressModel.Paint} is disabled for players in this world by its owner.", refused);
        Assert.Null(taken);
        Assert.Equal(new StepAction(PressModel.Paint, 2, true), _session.NextAction());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void AnActionOutsideTheModel_IsRefused_AndNothingChanges(int action)
    {
        string? refused = _actions.Submit(_session, action, 1, "player", owner: true);

        Assert.Equal($"Action {action} is out of range: this world's model has actions 0 to 4.", refused);
        Assert.Equal(new StepAction(0, 0, false), _session.NextAction());
    }

    [Fact]
    public void AFifthPressBeforeItsStep_IsDroppedWithAReason_AndCounted()
    {
        using var listener = new MeterListener();
        long dropped = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>() && instrument.Name == "worldweb.presses.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();

        string?[] answers = [.. Enumerable.Range(1, 5).Select(seq => _actions.Submit(_session, PressModel.Paint, seq, "player", owner: false))];

        Assert.All(answers[..4], Assert.Null);
        Assert.Equal("Too many presses at once: 4 already wait for their steps, so this press of 'paint' was dropped.", answers[4]);
        Assert.Equal(1, Interlocked.Read(ref dropped));
        Assert.Equal(4, _session.PendingPresses);
        Assert.Null(_actions.Submit(_session, PressModel.Forward, 6, "player", owner: false));
    }

    public void Dispose()
    {
        _services.Dispose();
        _package.Dispose();
        _copy.Dispose();
    }
}
