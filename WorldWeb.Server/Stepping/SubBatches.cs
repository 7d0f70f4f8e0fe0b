using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// A scheduler's batched inference: one model and batch per sub-batch (they share the package's session, whose runs
/// may overlap). Fills the batches from the due worlds, steps them at once on the tick threads, and advances each
/// world from its row of the outputs.
/// </summary>
internal sealed class SubBatches : IDisposable
{
    private readonly WorldModel[] _models;
    private readonly StepBatch[] _batches;
    private long _runs, _rows;

    public SubBatches(ModelPackage package, TimeSpan runTimeout, int count)
    {
        _models = Enumerable.Range(0, count).Select(_ => package.CreateWorldModel(runTimeout)).ToArray();
        _batches = _models.Select(m => m.CreateBatch(8)).ToArray();
    }

    /// <summary>Batched runs so far (each perhaps in sub-batches).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>World steps made by those runs.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>
    /// Fills a row per due world with its next action (into <paramref name="applied"/>), runs the sub-batches at once,
    /// and advances each world from its row, lapping <see cref="TickPart.Fill"/>, <see cref="TickPart.Step"/> and
    /// <see cref="TickPart.Advance"/>. A world whose own fill or advance throws is faulted in
    /// <paramref name="faults"/> alone; a failed run throws.
    /// </summary>
    /// <returns>Each world's 8-bit frame; null for the faulted.</returns>
    public byte[][] Step(TickThreads threads, WorldSession[] due, StepAction[] applied, Exception?[] faults, TickParts parts)
    {
        // Contiguous slices of the due worlds, one per sub-batch; a batch's rows step exactly as they would alone.
        int slices = Math.Min(_models.Length, due.Length);
        (int From, int To)[] ranges = [.. Enumerable.Range(0, slices).Select(k => (due.Length * k / slices, due.Length * (k + 1) / slices))];
        threads.ForEach(slices, slice =>
        {
            (int from, int to) = ranges[slice];
            StepBatch batch = BatchFor(slice, to - from);
            batch.Clear();
            for (int i = from; i < to; i++)
            {
                int row = batch.AddRow();
                applied[i] = due[i].NextAction();
                WorldFaults.Isolated(faults, i, () => due[i].FillRow(batch, row, applied[i].Action));
            }
        });
        parts.Lap(TickPart.Fill);
        threads.ForEach(slices, slice => _models[slice].Step(_batches[slice]));
        parts.Lap(TickPart.Step);
        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _rows, due.Length);

        var rgb = new byte[due.Length][];
        for (int slice = 0; slice < slices; slice++)
        {
            (int from, int to) = ranges[slice];
            for (int i = from; i < to; i++)
            {
                int row = i - from;
                StepBatch batch = _batches[slice];
                WorldFaults.Isolated(faults, i, () => rgb[i] = due[i].Advance(batch, row));
            }
        }
        parts.Lap(TickPart.Advance);
        return rgb;
    }

    private StepBatch BatchFor(int slice, int rows)
    {
        if (rows > _batches[slice].Capacity)
        {
            int capacity = Math.Max(rows, 2 * _batches[slice].Capacity);
            _batches[slice].Dispose();
            _batches[slice] = _models[slice].CreateBatch(capacity);
        }
        return _batches[slice];
    }

    public void Dispose()
    {
        foreach (StepBatch batch in _batches)
        {
            batch.Dispose();
        }
        foreach (WorldModel model in _models)
        {
            model.Dispose();
        }
    }
}
