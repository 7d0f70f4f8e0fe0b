namespace WorldWeb.Server.Workers;

/// <summary>
/// The stop work of a hosted service, run once however often the host asks. A host can be stopped twice at once
/// (the test host's dispose and the app's own <c>RunAsync</c> both call <c>StopAsync</c>); the later caller must
/// wait for the same work, or it disposes the services while the first one is still saving worlds.
/// </summary>
public sealed class StopOnce
{
    private readonly Lock _gate = new();
    private Task? _work;

    public Task RunAsync(Func<Task> work)
    {
        lock (_gate)
        {
            return _work ??= work();
        }
    }
}
