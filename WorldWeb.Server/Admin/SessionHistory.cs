using WorldWeb.Client.Contracts;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Admin;

/// <summary>Samples every model's fps and step time every 2 s and keeps the last 10 minutes, for the dashboard's chart.</summary>
public sealed class SessionHistory(WorldDirectory directory, ModelCatalog catalog, StepSchedulers schedulers, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private const int Capacity = 300;
    private readonly Queue<HistoryPoint> _points = new();
    private readonly Lock _gate = new();

    public HistoryPoint[] Points()
    {
        lock (_gate)
        {
            return [.. _points];
        }
    }

    public void Sample()
    {
        DateTimeOffset now = clock.GetUtcNow();
        WorldSession[] watched = [.. directory.Live.Where(s => s.Viewers > 0)];
        lock (_gate)
        {
            foreach (LoadedModel model in catalog.All)
            {
                // A model loaded a moment ago may not have its scheduler yet.
                if (schedulers.Find(model.Name) is not { } scheduler)
                {
                    continue;
                }
                WorldSession[] mine = [.. watched.Where(s => s.ModelName == model.Name)];
                (double p50, double p99, _) = scheduler.Recent.Summary();
                _points.Enqueue(new HistoryPoint(now, model.Name, mine.Length, mine.Length == 0 ? 0 : Math.Round(mine.Average(s => s.ActualFps), 2),
                    model.Manifest.Fps, Math.Round(p50, 2), Math.Round(p99, 2)));
            }
            while (_points.Count > Capacity * Math.Max(1, catalog.All.Count()))
            {
                _points.Dequeue();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
