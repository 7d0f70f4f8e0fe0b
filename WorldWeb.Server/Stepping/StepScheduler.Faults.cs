using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// A model whose runs fail: each failed tick counts (<see cref="ModelFault"/>), and one line is logged per streak and
/// one when the model goes out of play, not one per tick; the viewers of its worlds are told when they pause and when
/// they go on.
/// </summary>
public sealed partial class StepScheduler
{
    private static readonly TimeSpan RemindEvery = TimeSpan.FromSeconds(2);

    // When the viewers were last told; only the tick loop reads and writes it.
    private DateTimeOffset _toldAt;

    /// <summary>What the viewers of its worlds are told while it is out of play.</summary>
    public string OutOfPlayReason =>
        $"The model '{Model.Name}' keeps failing on this server, so this world is paused; the server tries it again every so often, and the world goes on once it works.";

    /// <summary>A run succeeded: an out-of-play model is back, and its viewers are told.</summary>
    private void Ran()
    {
        if (Fault.Succeeded() == ModelFault.Change.BackInPlay)
        {
            LogBackInPlay(_logger, Model.Name);
            TellViewers(null);
        }
    }

    /// <summary>One line per streak and one when the model goes out of play, not one per tick (20 a second).</summary>
    private void TickFailed(Exception ex)
    {
        ModelFault.Change change = Fault.Failed(ex);
        if (change == ModelFault.Change.OutOfPlay)
        {
            LogOutOfPlay(_logger, ex, Model.Name, Fault.FailedInARow, Sessions, (Fault.RetryAt!.Value - _clock.GetUtcNow()).TotalSeconds);
            TellViewers(OutOfPlayReason);
        }
        else if (Fault.IsOutOfPlay)
        {
            LogRetryFailed(_logger, Model.Name, ex.Message, (Fault.RetryAt!.Value - _clock.GetUtcNow()).TotalSeconds);
            TellViewers(OutOfPlayReason);  // again: worlds joined since are told too
        }
        else if (Fault.FailedInARow == 1)
        {
            LogTickFailed(_logger, ex, Model.Name);
        }
    }

    /// <summary>
    /// While out of play, every <see cref="RemindEvery"/>: a viewer who came since the last notice hears why nothing
    /// moves without waiting for the next retry, which may be a minute away. The notice is idempotent on the page.
    /// </summary>
    private void RemindViewers()
    {
        if (_clock.GetUtcNow() - _toldAt >= RemindEvery)
        {
            TellViewers(OutOfPlayReason);
        }
    }

    private void TellViewers(string? reason)
    {
        _toldAt = _clock.GetUtcNow();
        foreach (WorldSession session in _worlds.Current)
        {
            _ = Notices?.PausedAsync(session.Id, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A tick of model {Model} failed; the next tick tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(Level = LogLevel.Error, Message =
        "Model {Model} failed {Ticks} ticks in a row and is out of play: its {Worlds} worlds are paused, and it is tried again in {RetrySeconds:0.#} s")]
    private static partial void LogOutOfPlay(ILogger logger, Exception exception, string model, int ticks, int worlds, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Model} failed again ({Message}); next try in {RetrySeconds:0.#} s")]
    private static partial void LogRetryFailed(ILogger logger, string model, string message, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} runs again; its worlds go on")]
    private static partial void LogBackInPlay(ILogger logger, string model);
}
