using Microsoft.ML.OnnxRuntime;

namespace WorldWeb.Inference.Stepping;

/// <summary>
/// Terminates a run that outlasts its timeout: sets <see cref="RunOptions.Terminate"/>, which ONNX Runtime checks
/// between nodes (and between a Loop's iterations), so the run fails instead of holding its caller for ever.
/// Disposing it clears the flag again, for the next run with the same options.
/// </summary>
internal sealed class RunDeadline : IDisposable
{
    private readonly RunOptions _options;
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenRegistration _terminate;

    public RunDeadline(RunOptions options, TimeSpan? timeout)
    {
        _options = options;
        if (timeout is { } after)
        {
            _timer = new CancellationTokenSource(after);
            _terminate = _timer.Token.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, options);
        }
    }

    /// <summary>Whether the timeout passed (and the run was told to terminate).</summary>
    public bool Passed => _timer?.IsCancellationRequested == true;

    public void Dispose()
    {
        // Waits for a callback under way, so the flag cannot be set after it is cleared here.
        _terminate.Dispose();
        if (Passed)
        {
            _options.Terminate = false;
        }
        _timer?.Dispose();
    }
}
