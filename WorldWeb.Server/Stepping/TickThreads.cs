using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// A model's own threads for its ticks: the tick loop, its sub-batches and the publishing of its frames run here,
/// not in the thread pool. In the pool they queue behind whatever else the server is doing; under a flood of hub
/// calls a step waited there almost a second (measured: a 966 ms step whose thread was asleep for 944 ms of it,
/// waiting for its other sub-batch), and every world of the model lost those steps. Here they only share the cores,
/// as any thread does.
/// </summary>
internal sealed class TickThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    /// <param name="count">Enough for every sub-batch at once and the previous tick's publishing beside them.</param>
    public TickThreads(string name, int count)
    {
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Serve) { IsBackground = true, Name = $"{name} {i}" })];
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>
    /// Runs <paramref name="body"/> for 0 to <paramref name="count"/> − 1 at once and waits for all of them: 0 on
    /// the caller, the rest on these threads (a part no thread has taken yet when the caller is done runs on the
    /// caller too). <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> on this scheduler queues even
    /// its first part here, where another thread may take it while the caller waits.
    /// Rethrows the first part's exception, after every part has ended.
    /// </summary>
    public void ForEach(int count, Action<int> body)
    {
        var others = new Task[count - 1];
        for (int part = 1; part < count; part++)
        {
            int index = part;
            others[part - 1] = Task.Factory.StartNew(() => body(index), CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
        }
        ExceptionDispatchInfo? failed = null;
        try
        {
            body(0);
        }
        catch (Exception ex)
        {
            failed = ExceptionDispatchInfo.Capture(ex);
        }
        foreach (Task other in others)
        {
            try
            {
                other.GetAwaiter().GetResult();  // runs it here if no thread has taken it yet
            }
            catch (Exception ex)
            {
                failed ??= ExceptionDispatchInfo.Capture(ex);
            }
        }
        failed?.Throw();
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (Thread thread in _threads.Where(t => t != Thread.CurrentThread))
        {
            thread.Join();
        }
    }

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException)  // disposed: whatever still comes (a last publishing) runs in the pool
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Serve()
    {
        foreach (Task task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
