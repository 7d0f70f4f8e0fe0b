using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WorldWeb.Inference.Runtime;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// One <see cref="StepScheduler"/> per loaded model, each running its own tick loop while the server runs.
/// Models loaded at runtime get one through <see cref="Start"/>; an unloaded model's stops in <see cref="StopAsync(string)"/>.
/// </summary>
public sealed class StepSchedulers : BackgroundService
{
    private readonly ConcurrentDictionary<string, Loop> _byModel = new(StringComparer.Ordinal);
    private readonly Func<LoadedModel, StepScheduler> _create;
    private readonly Lock _gate = new();
    private CancellationToken? _stopping;

    public StepSchedulers(ModelCatalog catalog, FrameEncoder encoder, WorldActionLog log, WriteBacklog backlog, IWorldNotices notices,
        StepMetrics metrics, WorkerFaults faults, IOptions<SteppingOptions> stepping, IOptions<InferenceOptions> inference, ILoggerFactory loggers, TimeProvider clock)
    {
        ILogger logger = loggers.CreateLogger<StepScheduler>();
        _create = model => new StepScheduler(model, encoder, log, metrics, logger, clock,
            stepping.Value.SubBatchesFor(model.Package.ExecutionProvider, inference.Value.IntraOpThreads), stepping.Value)
        {
            Backlog = backlog, Notices = notices, Faults = faults,
        };
        foreach (LoadedModel model in catalog.All)
        {
            _byModel[model.Name] = new Loop(_create(model));
        }
    }

    public StepScheduler For(string model) => _byModel[model].Scheduler;

    public StepScheduler? Find(string model) => _byModel.GetValueOrDefault(model)?.Scheduler;

    /// <summary>The scheduler of every loaded model.</summary>
    public IEnumerable<StepScheduler> All => _byModel.Values.Select(loop => loop.Scheduler);

    /// <summary>Creates the scheduler of a model loaded at runtime and starts its tick loop (at once when the server runs).</summary>
    public StepScheduler Start(LoadedModel model)
    {
        var loop = new Loop(_create(model));
        lock (_gate)
        {
            if (!_byModel.TryAdd(model.Name, loop))
            {
                loop.Dispose();
                throw new ModelConflictException($"model '{model.Name}' already has a scheduler");
            }
            if (_stopping is { } stopping)
            {
                loop.Launch(stopping);
            }
        }
        return loop.Scheduler;
    }

    /// <summary>Ends the tick loop of a model (its scheduler must be retired, so it steps no world) and disposes the scheduler.</summary>
    public async Task StopAsync(string model)
    {
        if (_byModel.TryRemove(model, out Loop? loop))
        {
            await loop.StopAsync();
            loop.Dispose();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _stopping = stoppingToken;
            foreach (Loop loop in _byModel.Values)
            {
                loop.Launch(stoppingToken);
            }
        }
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        // Every loop's token is linked to stoppingToken, so they are all ending; wait without touching a loop an unload may be disposing.
        await Task.WhenAll(_byModel.Values.Select(l => l.Running));
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (Loop loop in _byModel.Values)
        {
            loop.Dispose();
        }
    }

    /// <summary>A scheduler and its tick loop, which stops with the server or on its own when its model is unloaded.</summary>
    private sealed class Loop(StepScheduler scheduler) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private CancellationTokenSource? _linked;

        public StepScheduler Scheduler { get; } = scheduler;

        public Task Running { get; private set; } = Task.CompletedTask;

        public void Launch(CancellationToken stopping)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
            CancellationToken token = _linked.Token;
            Running = Scheduler.RunAsync(token);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Running;
        }

        public void Dispose()
        {
            _linked?.Dispose();
            _stop.Dispose();
            Scheduler.Dispose();
        }
    }
}
