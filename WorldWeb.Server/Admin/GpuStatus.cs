using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace WorldWeb.Server.Admin;

/// <summary>The GPUs of this machine as <c>nvidia-smi</c> reports them, for the dashboard; null where there is none.</summary>
public sealed class GpuStatus
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _last;
    private long _readAt;
    private bool _absent;

    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_absent || (_readAt != 0 && Stopwatch.GetElapsedTime(_readAt) < Fresh))
            {
                return _last;
            }
            _last = Describe(await QueryAsync(cancellationToken));
            _readAt = Stopwatch.GetTimestamp();
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One line per GPU of <c>--query-gpu=name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits</c>.</summary>
    public static string? Describe(string? csv)
    {
        string[] gpus = [.. (csv ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(',', StringSplitOptions.TrimEntries))
            .Where(f => f.Length == 4 && double.TryParse(f[1], CultureInfo.InvariantCulture, out _))
            .Select(f => $"{f[0]}: {f[1]}% busy, {f[2]} of {f[3]} MiB")];
        return gpus.Length == 0 ? null : string.Join("; ", gpus);
    }

    private async Task<string?> QueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", ["--query-gpu=name,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            string output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            // No nvidia-smi: no NVIDIA GPU here; stop asking.
            _absent = true;
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
