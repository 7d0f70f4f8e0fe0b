using WorldWeb.Inference.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Clips;

/// <summary>One step of a replay: the frame the world showed at <see cref="Step"/>, the logged action that made it (null: none did) and who sent it (null: nobody named).</summary>
public readonly record struct ReplayedStep(long Step, byte[] Frame, byte? Action, string? Who);

/// <summary>Logged steps in order: the action of each, and who sent it (null where nobody is named).</summary>
public sealed record LoggedRun(byte[] Actions, string?[] Whos)
{
    public static LoggedRun Empty { get; } = new([], []);
}

/// <summary>
/// A world's past, regenerated: a session restored at a save and the logged actions after it, stepped one row at a
/// time on a model of the render's own. A row's frame does not depend on its batch-mates, so the frames equal the ones
/// the world streamed (<c>BatchMateTests</c>).
/// </summary>
/// <param name="start">The logged step that made the save's step, for a clip that shows it (empty: none did, or none is shown).</param>
public sealed class HistoryReplay(WorldSession session, LoggedRun run, LoggedRun start)
{
    private readonly byte[] actions = run.Actions;

    public long StartStep { get; } = session.Step;

    /// <summary>The last step the replay reaches.</summary>
    public long EndStep => StartStep + actions.Length;

    /// <summary>Every step from the save's to the last, the save's own first; the caller skips those before its clip.</summary>
    public IEnumerable<ReplayedStep> Steps(WorldModel model, StepBatch batch, CancellationToken cancellationToken)
    {
        yield return start.Actions is [byte first] ? new ReplayedStep(StartStep, session.Capture().CurrentFrame, first, start.Whos[0])
            : new ReplayedStep(StartStep, session.Capture().CurrentFrame, null, null);
        for (int i = 0; i < actions.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            batch.AddRow();
            session.FillRow(batch, 0, actions[i]);
            model.Step(batch);
            yield return new ReplayedStep(StartStep + i + 1, session.Advance(batch, 0), actions[i], run.Whos[i]);
        }
    }
}
