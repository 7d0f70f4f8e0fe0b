using Microsoft.AspNetCore.Components;
using WorldWeb.Client.Api;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Clips;

/// <summary>
/// Record (start, stop), clip the last 30 s, or clip a range of steps; the server renders each clip from the world's
/// saves and log, and the list shows its progress, then its video. A viewer's clips start no earlier than the step
/// they joined at, which is all the server allows them.
/// </summary>
public sealed partial class ClipsPanel
{
    /// <summary>The longest clip the server renders by default (Clips:MaxSteps): a recording stops by itself there.</summary>
    public const int MaxRecordSteps = 6000;

    public const int LastSeconds = 30;

    private readonly CancellationTokenSource stop = new();
    private IReadOnlyList<ClipInfo>? clips;
    private long? recordingFrom;
    private long? rangeFrom, rangeTo;
    private string? message, error;
    private bool busy;

    /// <summary>What the page joined with, a world id or a share-link token: a clip is asked for with the same rights.</summary>
    [Parameter, EditorRequired] public string WorldRef { get; set; } = "";

    [Parameter, EditorRequired] public string WorldId { get; set; } = "";

    [Parameter, EditorRequired] public string Role { get; set; } = "";

    [Parameter, EditorRequired] public double Fps { get; set; }

    /// <summary>The step the world was at when this page joined it.</summary>
    [Parameter] public long JoinStep { get; set; }

    /// <summary>The step of the frame on screen now.</summary>
    [Parameter, EditorRequired] public Func<long> CurrentStep { get; set; } = () => 0;

    /// <summary>How often the recording time and the clips' progress refresh.</summary>
    [Parameter] public TimeSpan Every { get; set; } = TimeSpan.FromSeconds(1);

    [Inject] private WorldApi Api { get; set; } = default!;

    private bool Recording => recordingFrom is not null;

    /// <summary>The first step this visitor may clip: the owner's any, anyone else's from when they joined.</summary>
    private long FirstStep => Role == WorldRoles.Owner ? 0 : JoinStep;

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        _ = PollAsync();
    }

    private async Task ToggleRecordAsync()
    {
        if (recordingFrom is not { } from)
        {
            recordingFrom = CurrentStep();
            message = error = null;
            return;
        }
        recordingFrom = null;
        await AskAsync(from, CurrentStep());
    }

    private Task ClipLastAsync()
    {
        long to = CurrentStep();
        return AskAsync(Math.Max(FirstStep, to - (long)(LastSeconds * Fps) + 1), to);
    }

    private Task ClipRangeAsync() => rangeFrom is { } from && rangeTo is { } to
        ? AskAsync(from, to)
        : Fail("Give the first and the last step to clip.");

    private async Task AskAsync(long from, long to)
    {
        await RunAsync(async () =>
        {
            var clip = await Api.CreateClipAsync(new CreateClipRequest(WorldRef, from, Math.Max(from, to)), stop.Token);
            message = $"Rendering steps {clip.FromStep}–{clip.ToStep}.";
            clips = [clip, .. (clips ?? []).Where(c => c.Id != clip.Id)];
        });
    }

    private Task DeleteAsync(ClipInfo clip) => RunAsync(async () =>
    {
        await Api.DeleteClipAsync(clip.Id, stop.Token);
        message = clip.IsDone ? $"Deleted the clip of steps {clip.FromStep}–{clip.ToStep}." : $"Cancelled the clip of steps {clip.FromStep}–{clip.ToStep}.";
        clips = [.. (clips ?? []).Where(c => c.Id != clip.Id)];
    });

    private Task Fail(string text)
    {
        (error, message) = (text, null);
        return Task.CompletedTask;
    }

    private async Task RunAsync(Func<Task> call)
    {
        busy = true;
        error = null;
        try
        {
            await call();
        }
        catch (Exception e) when (e is WorldApiException or HttpRequestException)
        {
            (error, message) = (e.Message, null);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await InvokeAsync(TickAsync);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TickAsync()
    {
        if (recordingFrom is { } from && CurrentStep() - from + 1 >= MaxRecordSteps)
        {
            recordingFrom = null;
            await AskAsync(from, from + MaxRecordSteps - 1);
        }
        bool rendering = clips?.Any(c => !c.IsDone) == true;
        if (rendering)
        {
            await RefreshAsync();
        }
        if (Recording || rendering)
        {
            StateHasChanged();
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            clips = await Api.GetClipsAsync(WorldId, stop.Token);
        }
        catch (Exception e) when (e is WorldApiException or HttpRequestException || e is OperationCanceledException && stop.IsCancellationRequested)
        {
            // The list is secondary: a failed refresh keeps the last one and the next tick tries again.
        }
    }

    private string Duration(long steps)
    {
        var seconds = (int)Math.Round(steps / Math.Max(Fps, 1));
        return $"{seconds / 60}:{seconds % 60:00}";
    }

    private static string Size(long bytes) => bytes < 1024 * 1024 ? $"{bytes / 1024.0:0} KB" : $"{bytes / (1024.0 * 1024):0.0} MB";

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        stop.Dispose();
    }
}
