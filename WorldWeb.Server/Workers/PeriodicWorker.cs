using WorldWeb.Server.Database;

namespace WorldWeb.Server.Workers;

/// <summary>
/// A background job run every <see cref="Every"/> until the server stops, supervised: a transient database fault is
/// a warning and the job runs again at the next tick; any other fault is logged as an error and reported by
/// <c>/healthz</c> (<see cref="WorkerFaults"/>), and the job still runs again. No fault of a job stops the host.
/// </summary>
public abstract partial class PeriodicWorker(WorkerFaults faults, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected abstract TimeSpan Every { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Whether the job runs once more when the server stops (a writer's last flush).</summary>
    protected virtual bool RunAtStop => false;

    private readonly StopOnce _stop = new();

    private string Name => GetType().Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunSupervisedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(async () =>
    {
        await base.StopAsync(cancellationToken);
        if (RunAtStop)
        {
            await RunSupervisedAsync(cancellationToken);
        }
    });

    /// <summary>One run, with its faults caught and reported.</summary>
    private async Task RunSupervisedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunOnceAsync(cancellationToken);
            faults.Succeeded(Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            faults.Failed(Name, ex, transient: true);
            LogTransient(logger, ex, Name);
        }
        catch (Exception ex)
        {
            faults.Failed(Name, ex, transient: false);
            LogFault(logger, ex, Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Worker}: the database is unreachable; trying again at the next run")]
    private static partial void LogTransient(ILogger logger, Exception exception, string worker);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} failed; it runs again at the next tick")]
    private static partial void LogFault(ILogger logger, Exception exception, string worker);
}
