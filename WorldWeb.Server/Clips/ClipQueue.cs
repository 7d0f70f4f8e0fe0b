using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Clips;

/// <summary>
/// The clips this server has taken: those waiting for a renderer (at most <see cref="ClipOptions.QueueLength"/>) and
/// those rendering, each with its cancellation. A deleted clip stops here at once; on other servers its render stops
/// at its next progress report, which finds its row gone.
/// </summary>
public sealed class ClipQueue(ModelCatalog catalog, IOptions<ClipOptions> options)
{
    private readonly Channel<string> _waiting = Channel.CreateBounded<string>(options.Value.QueueLength);
    private readonly ConcurrentDictionary<string, ClipRender> _held = new(StringComparer.Ordinal);
    private readonly Lock _modelsGate = new();

    internal ChannelReader<string> Waiting => _waiting.Reader;

    /// <summary>The clips held here, for the heartbeat that tells other servers they are alive.</summary>
    public IReadOnlyCollection<string> Held => [.. _held.Keys];

    /// <summary>False when the queue is full.</summary>
    public bool TryEnqueue(string clipId)
    {
        _held[clipId] = new ClipRender(this);
        if (_waiting.Writer.TryWrite(clipId))
        {
            return true;
        }
        _held.TryRemove(clipId, out _);
        return false;
    }

    /// <summary>Stops the clip's render, or takes it out of the queue. False when this server does not hold it.</summary>
    public bool Cancel(string clipId)
    {
        if (!_held.TryGetValue(clipId, out ClipRender? render))
        {
            return false;
        }
        render.Cancel();
        return true;
    }

    /// <summary>The render of a clip taken from the queue; its token is cancelled already when the clip was deleted while it waited.</summary>
    internal ClipRender Begin(string clipId) => _held.GetValueOrDefault(clipId) ?? new ClipRender(this);

    internal void End(string clipId)
    {
        if (_held.TryRemove(clipId, out ClipRender? render))
        {
            render.Ended();
        }
    }

    /// <summary>
    /// Marks the render as stepping <paramref name="model"/>; false when the model is being unloaded (then it must not).
    /// One lock with <see cref="StopAsync"/>: a render either is found by it or finds the model gone from the catalog.
    /// </summary>
    internal bool Use(ClipRender render, LoadedModel model)
    {
        lock (_modelsGate)
        {
            render.Model = model;
            return catalog.Find(model.Name) == model;
        }
    }

    /// <summary>Stops every render of an unloaded model and waits until none steps it, before its package is freed.</summary>
    public Task StopAsync(LoadedModel model)
    {
        ClipRender[] renders;
        lock (_modelsGate)
        {
            renders = [.. _held.Values.Where(r => r.Model == model)];
        }
        foreach (ClipRender render in renders)
        {
            render.Cancel("The world's model was unloaded from the server while this clip rendered; ask for it again.");
        }
        return Task.WhenAll(renders.Select(r => r.Done));
    }
}

/// <summary>One clip's render as the queue holds it: its cancellation and why, the model it steps, and when it ended.</summary>
internal sealed class ClipRender(ClipQueue queue)
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Token => _cancel.Token;

    /// <summary>Why it was cancelled, when it should say so (null: the clip was deleted, and nobody is left to tell).</summary>
    public string? CancelReason { get; private set; }

    public LoadedModel? Model { get; set; }

    /// <summary>Marks the render as stepping <paramref name="model"/>; false when the model is being unloaded, and then it must not.</summary>
    public bool Use(LoadedModel model) => queue.Use(this, model);

    public Task Done => _done.Task;

    public void Cancel(string? reason = null)
    {
        CancelReason ??= reason;
        _cancel.Cancel();
    }

    public void Ended()
    {
        _done.TrySetResult();
    }
}
