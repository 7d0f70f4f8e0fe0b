using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Brings a resumed world from its save to the step its log reached, one world at a time in batches of one.
/// Rows of a batch are independent, so the frames equal the ones its batch-mates shared before.
/// </summary>
public sealed class WorldReplayer : IDisposable
{
    // A replay that hangs would hold the world's open, and its caller, for ever: it is terminated like a tick's run.
    private readonly TimeSpan _runTimeout;

    // Keyed by the loaded model itself, not its name: a model unloaded and loaded again is a new package.
    private readonly ConcurrentDictionary<LoadedModel, ModelReplay> _byModel = new(ReferenceEqualityComparer.Instance);

    public WorldReplayer() : this(Options.Create(new SteppingOptions()))
    {
    }

    [ActivatorUtilitiesConstructor]
    public WorldReplayer(IOptions<SteppingOptions> stepping) => _runTimeout = TimeSpan.FromSeconds(stepping.Value.RunTimeoutSeconds);

    /// <summary>
    /// Replays <paramref name="actions"/> into <paramref name="session"/>. One replay per model runs at a time, on a
    /// thread of its own: after a failover a node resumes dozens of worlds at once, and replays that waited on a lock
    /// or ran on the caller's scheduler would take the thread pool that Orleans' membership probes need.
    /// </summary>
    public async Task ReplayAsync(WorldSession session, byte[] actions, CancellationToken cancellationToken = default)
    {
        if (actions.Length == 0)
        {
            return;
        }
        ModelReplay replay = _byModel.GetOrAdd(session.Model, model => new ModelReplay(model, _runTimeout));
        await replay.Turn.WaitAsync(cancellationToken);  // a resume waiting its turn holds no thread
        try
        {
            if (replay.IsDisposed)
            {
                throw new WorldUnavailableException($"the model '{session.Model.Name}' of this world is being unloaded");
            }
            await Task.Factory.StartNew(() => replay.Run(session, actions), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            replay.Turn.Release();
        }
    }

    /// <summary>Disposes the replay model of an unloaded model, after any replay running on it ends.</summary>
    public void Forget(LoadedModel model)
    {
        if (_byModel.TryRemove(model, out ModelReplay? replay))
        {
            replay.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (ModelReplay replay in _byModel.Values)
        {
            replay.Dispose();
        }
    }

    private sealed class ModelReplay
    {
        public ModelReplay(LoadedModel model, TimeSpan runTimeout)
        {
            Model = model.Package.CreateWorldModel(runTimeout);
            Batch = Model.CreateBatch(1);
        }

        /// <summary>Held by the replay running on this model, and by its disposal.</summary>
        public SemaphoreSlim Turn { get; } = new(1, 1);
        public WorldModel Model { get; }
        public StepBatch Batch { get; }
        public bool IsDisposed { get; private set; }

        public void Run(WorldSession session, byte[] actions)
        {
            foreach (byte action in actions)
            {
                Batch.Clear();
                Batch.AddRow();
                session.FillRow(Batch, 0, action);
                Model.Step(Batch);
                session.Advance(Batch, 0);
            }
        }

        public void Dispose()
        {
            Turn.Wait();  // after the replay running now; those waiting then find it disposed
            try
            {
                IsDisposed = true;
                Batch.Dispose();
                Model.Dispose();
            }
            finally
            {
                Turn.Release();
            }
        }
    }
}
