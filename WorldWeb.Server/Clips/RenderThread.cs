using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace WorldWeb.Server.Clips;

/// <summary>
/// A thread of the lowest priority for rendering clips (nice 19 on Linux): a render started here stays here, its
/// steps and every await (each resumes on the current task scheduler), and the ffmpeg it starts inherits the priority.
/// The ticks of live worlds then take the cores first whenever they want them; a render gets what is left.
/// </summary>
internal sealed partial class RenderThread : TaskScheduler, IDisposable
{
    private const int PrioProcess = 0;
    private const int Lowest = 19;

    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread _thread;
    private readonly ILogger _logger;

    public RenderThread(string name, ILogger logger)
    {
        _logger = logger;
        _thread = new Thread(Serve) { IsBackground = true, Name = name, Priority = ThreadPriority.Lowest };
        _thread.Start();
    }

    public override int MaximumConcurrencyLevel => 1;

    public void Dispose()
    {
        _queue.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException)  // disposed: what still comes (a render's last await) ends in the pool
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Serve()
    {
        LowerPriority();
        foreach (Task task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    /// <summary>.NET's thread priorities do nothing on Linux; a thread's nice value is its own there.</summary>
    private void LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            if (SetPriority(PrioProcess, GetThreadId(), Lowest) != 0)
            {
                LogNotLowered(_logger, Marshal.GetLastPInvokeError());
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            LogNotLowered(_logger, -1);
        }
    }

    // DllImport, not LibraryImport: the latter needs unsafe code enabled in the project for two int calls.
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A clip render thread kept its normal priority (error {Error}): renders compete with live worlds for the cores")]
    private static partial void LogNotLowered(ILogger logger, int error);
}
