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

    public void Replay(WorldSession session, ReadOnlySpan<byte> actions)
    {
        if (actions.IsEmpty)
        {
            return;
        }
        ModelReplay replay = _byModel.GetOrAdd(session.Model, model => new ModelReplay(model, _runTimeout));
        lock (replay.Gate)
        {
            if (replay.IsDisposed)
            {
                throw new WorldUnavailableException($"the model '{session.Model.Name}' of this world is being unloaded");
            }
            foreach (byte action in actions)
            {
                replay.Batch.Clear();
                replay.Batch.AddRow();
                session.FillRow(replay.Batch, 0, action);
                replay.Model.Step(replay.Batch);
                session.Advance(replay.Batch, 0);
            }
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

        public Lock Gate { get; } = new();
        public WorldModel Model { get; }
        public StepBatch Batch { get; }
        public bool IsDisposed { get; private set; }

        public void Dispose()
        {
            lock (Gate)
            {
                IsDisposed = true;
                Batch.Dispose();
                Model.Dispose();
            }
        }
    }
}
