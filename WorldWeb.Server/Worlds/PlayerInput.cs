namespace WorldWeb.Server.Worlds;

/// <summary>
/// What a world's players ask of its next steps: the held action (the latest sent wins, in force at every step until
/// another comes) and the presses not applied yet, each due at one step, in the order they came. Hub calls submit
/// from any thread; the scheduler takes the next step's action with <see cref="Next"/> and, once that step is
/// logged, confirms it with <see cref="Applied"/>, so a press outlives a tick that fails and is tried again.
/// </summary>
internal sealed class PlayerInput
{
    /// <summary>
    /// Presses that may wait for their steps; one more is dropped. A player presses a few times a second and a world
    /// steps 20 times, so more than this waiting means the world is not stepping (nobody watches) or a script floods it.
    /// </summary>
    public const int MaxPendingPresses = 4;

    private readonly Lock _gate = new();
    private readonly Queue<StepAction> _presses = new();
    private StepAction _held = new(0, 0, false);
    private string? _holder;

    /// <summary>False when <paramref name="press"/> found <see cref="MaxPendingPresses"/> waiting and was dropped.</summary>
    public bool Submit(int action, long seq, string connectionId, bool press, string? who = null)
    {
        lock (_gate)
        {
            if (!press)
            {
                (_held, _holder) = (new StepAction(action, seq, false, who), connectionId);
                return true;
            }
            if (_presses.Count >= MaxPendingPresses)
            {
                return false;
            }
            _presses.Enqueue(new StepAction(action, seq, true, who));
            return true;
        }
    }

    /// <summary>The connection left: the action it held falls back to the noop. Its presses were sent, so they stay due.</summary>
    public void Release(string connectionId)
    {
        lock (_gate)
        {
            if (_holder == connectionId)
            {
                (_held, _holder) = (_held with { Action = 0, Who = null }, null);
            }
        }
    }

    /// <summary>The action of the next step: the oldest press waiting, else the held action.</summary>
    public StepAction Next()
    {
        lock (_gate)
        {
            return _presses.TryPeek(out StepAction press) ? press : _held;
        }
    }

    /// <summary>The step that <see cref="Next"/> gave <paramref name="action"/> to is made and logged: its press is done.</summary>
    public void Applied(StepAction action)
    {
        lock (_gate)
        {
            // Only the scheduler dequeues, one tick at a time, so the press it applied is still the oldest.
            if (action.Press && _presses.TryPeek(out StepAction oldest) && oldest == action)
            {
                _presses.Dequeue();
            }
        }
    }

    /// <summary>Presses waiting for their steps.</summary>
    public int PendingPresses
    {
        get { lock (_gate) { return _presses.Count; } }
    }
}
