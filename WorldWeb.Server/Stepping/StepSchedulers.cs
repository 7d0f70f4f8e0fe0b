using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.Models;

namespace WorldWeb.Server.Stepping;

/// <summary>One <see cref="StepScheduler"/> per loaded model, each running its own tick loop while the server runs.</summary>
public sealed class StepSchedulers : BackgroundService
{
    private readonly Dictionary<string, StepScheduler> _byModel;

    public StepSchedulers(ModelCatalog catalog, FrameEncoder encoder, WorldActionLog log, StepMetrics metrics, ILoggerFactory loggers, TimeProvider clock)
    {
        ILogger logger = loggers.CreateLogger<StepScheduler>();
        _byModel = catalog.All.ToDictionary(m => m.Name, m => new StepScheduler(m, encoder, log, metrics, logger, clock));
    }

    public StepScheduler For(string model) => _byModel[model];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_byModel.Values.Select(s => Task.Run(() => s.RunAsync(stoppingToken), CancellationToken.None)));

    public override void Dispose()
    {
        base.Dispose();
        foreach (StepScheduler scheduler in _byModel.Values)
        {
            scheduler.Dispose();
        }
    }
}
