using System.Collections.Concurrent;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.Models;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Brings a resumed world from its save to the step its log reached, one world at a time in batches of one.
/// Rows of a batch are independent, so the frames equal the ones its batch-mates shared before.
/// </summary>
public sealed class WorldReplayer : IDisposable
{
    private readonly ConcurrentDictionary<string, ModelReplay> _byModel = new();

    public void Replay(WorldSession session, ReadOnlySpan<byte> actions)
    {
        if (actions.IsEmpty)
        {
            return;
        }
        ModelReplay replay = _byModel.GetOrAdd(session.Model.Name, _ => new ModelReplay(session.Model));
        lock (replay.Gate)
        {
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

    public void Dispose()
    {
        foreach (ModelReplay replay in _byModel.Values)
        {
            replay.Batch.Dispose();
            replay.Model.Dispose();
        }
    }

    private sealed class ModelReplay
    {
        public ModelReplay(LoadedModel model)
        {
            Model = model.Package.CreateWorldModel();
            Batch = Model.CreateBatch(1);
        }

        public Lock Gate { get; } = new();
        public WorldModel Model { get; }
        public StepBatch Batch { get; }
    }
}
