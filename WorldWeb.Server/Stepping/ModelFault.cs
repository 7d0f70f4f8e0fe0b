namespace WorldWeb.Server.Stepping;

/// <summary>
/// Whether a model's runs are failing. A tick that fails is tried again at the next one; after
/// <see cref="SteppingOptions.FailedTicksToPause"/> in a row the model is out of play: its worlds wait, and it is tried
/// again after <see cref="SteppingOptions.RetryAfterSeconds"/>, each failed retry waiting twice as long (to
/// <see cref="SteppingOptions.RetryAtMostSeconds"/>), until a run succeeds. Written by the tick loop, read by /healthz.
/// </summary>
public sealed class ModelFault(SteppingOptions options, TimeProvider clock)
{
    public enum Change { None, OutOfPlay, BackInPlay }

    private readonly Lock _gate = new();
    private int _failedInARow;
    private TimeSpan _wait;
    private DateTimeOffset _retryAt;
    private string? _last;

    public bool IsOutOfPlay { get; private set; }

    public int FailedInARow { get { lock (_gate) { return _failedInARow; } } }

    /// <summary>Whether the next tick may run: always while in play, once its retry is due when out of it.</summary>
    public bool MayTick
    {
        get { lock (_gate) { return !IsOutOfPlay || clock.GetUtcNow() >= _retryAt; } }
    }

    /// <summary>When an out-of-play model is tried next; null in play.</summary>
    public DateTimeOffset? RetryAt
    {
        get { lock (_gate) { return IsOutOfPlay ? _retryAt : null; } }
    }

    /// <summary>What is wrong, in a line for /healthz; null while its runs succeed.</summary>
    public string? Describe()
    {
        lock (_gate)
        {
            if (_failedInARow == 0)
            {
                return null;
            }
            return IsOutOfPlay
                ? $"out of play after {_failedInARow} failed ticks in a row ({_last}); next try in {Math.Max(0, (_retryAt - clock.GetUtcNow()).TotalSeconds):0.#} s"
                : $"{_failedInARow} failed ticks in a row ({_last})";
        }
    }

    public Change Failed(Exception exception)
    {
        lock (_gate)
        {
            _failedInARow++;
            _last = $"{exception.GetType().Name}: {exception.Message}";
            if (IsOutOfPlay)
            {
                _wait = TimeSpan.FromSeconds(Math.Min(2 * _wait.TotalSeconds, options.RetryAtMostSeconds));
                _retryAt = clock.GetUtcNow() + _wait;
                return Change.None;
            }
            if (_failedInARow < options.FailedTicksToPause)
            {
                return Change.None;
            }
            IsOutOfPlay = true;
            _wait = TimeSpan.FromSeconds(Math.Min(options.RetryAfterSeconds, options.RetryAtMostSeconds));
            _retryAt = clock.GetUtcNow() + _wait;
            return Change.OutOfPlay;
        }
    }

    /// <summary>A run succeeded: the count starts again, and an out-of-play model is back.</summary>
    public Change Succeeded()
    {
        lock (_gate)
        {
            _failedInARow = 0;
            _last = null;
            if (!IsOutOfPlay)
            {
                return Change.None;
            }
            IsOutOfPlay = false;
            return Change.BackInPlay;
        }
    }
}
