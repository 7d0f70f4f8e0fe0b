using System.Collections.Concurrent;

namespace WorldWeb.Inference.Runtime;

/// <summary>
/// The one thread that makes every CUDA call of a session's replayed steps. ONNX Runtime's CUDA provider keeps a
/// captured CUDA graph with the thread that ran it (a graph captured on one thread is not replayed on another, which
/// captures its own), while a server's ticks go on from whichever of its tick threads is free; and a capture records
/// the whole device, so another thread's allocation or synchronous copy meanwhile would spoil it.
/// </summary>
internal sealed class DeviceThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _work = [];
    private readonly Thread _thread;

    public DeviceThread(string name)
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this thread and waits for it; its exception is rethrown as it was. Once the
    /// thread has stopped (its package was disposed before a batch), the work runs on the caller's: nothing is
    /// captured any more.
    /// </summary>
    public void Invoke(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Thread.CurrentThread == _thread || !TryQueue(work, done))
        {
            work();
            return;
        }
        done.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
    }

    private bool TryQueue(Action work, TaskCompletionSource done)
    {
        try
        {
            _work.Add((work, done));
            return true;
        }
        catch (InvalidOperationException)  // stopped: marked complete for adding
        {
            return false;
        }
    }

    private void Serve()
    {
        foreach ((Action work, TaskCompletionSource done) in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }
}
