using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Frames to an MP4 through Debian's ffmpeg (libx264, yuv420p: what every browser and phone plays): raw RGB24 frames
/// are piped in at the world's frame rate and scaled up nearest-neighbour, so a pixel of the world stays a sharp square.
/// </summary>
public sealed class ClipEncoder(IOptions<ClipOptions> options)
{
    private readonly Lock _probeGate = new();
    private (bool Found, DateTimeOffset At)? _probe;

    /// <summary>Why clips cannot be rendered here, or null when the encoder is installed (looked up at most once a minute).</summary>
    public string? Missing()
    {
        lock (_probeGate)
        {
            if (_probe is not { } probe || DateTimeOffset.UtcNow - probe.At > TimeSpan.FromMinutes(1))
            {
                probe = (Runs(options.Value.Ffmpeg, "-version"), DateTimeOffset.UtcNow);
                _probe = probe;
            }
            return probe.Found ? null : MissingMessage;
        }
    }

    private string MissingMessage =>
        $"Clips cannot be rendered on this server: its video encoder '{options.Value.Ffmpeg}' is not installed (the operator installs Debian's ffmpeg package).";

    /// <summary>The video's size for frames of <paramref name="width"/> × <paramref name="height"/>: the whole factor nearest <see cref="ClipOptions.VideoSize"/>, even sides for yuv420p.</summary>
    public (int Width, int Height) VideoSize(int width, int height) => Scaled(width, height, options.Value.VideoSize);

    /// <summary>The GIF's size, as <see cref="VideoSize"/> for <see cref="ClipOptions.AnimationSize"/>.</summary>
    public (int Width, int Height) AnimationSize(int width, int height) => Scaled(width, height, options.Value.AnimationSize);

    private static (int Width, int Height) Scaled(int width, int height, int longer)
    {
        int factor = Math.Max(1, (int)Math.Round(longer / (double)Math.Max(width, height)));
        return (Even(width * factor), Even(height * factor));
    }

    /// <summary>
    /// Starts ffmpeg writing the video to <paramref name="outputPath"/> and, when <paramref name="animationPath"/> is
    /// given, an animated GIF of the same frames beside it; frames go to the returned encoding.
    /// </summary>
    /// <exception cref="ClipRenderException">ffmpeg is not installed.</exception>
    public ClipEncoding Start(int width, int height, double fps, string outputPath, string? animationPath = null)
    {
        ClipOptions o = options.Value;
        (int videoWidth, int videoHeight) = VideoSize(width, height);
        (int gifWidth, int gifHeight) = AnimationSize(width, height);
        string scaleVideo = $"scale={videoWidth}:{videoHeight}:flags=neighbor";
        // One palette for the whole clip, from every frame, and no dithering: a world's pixels stay flat squares. Scaled
        // before the palette is applied: scaling paletted frames would hand the GIF encoder RGB, which ffmpeg then maps
        // to a fixed palette of its own (24 dB from the world's frames and 1.6 times the bytes, measured).
        string[] filters = animationPath is null
            ? ["-vf", scaleVideo]
            : ["-filter_complex", $"[0:v]split=3[v][p][g];[v]{scaleVideo}[video];[p]palettegen=stats_mode=full[palette];" +
                $"[g]scale={gifWidth}:{gifHeight}:flags=neighbor[big];[big][palette]paletteuse=dither=none[gif]", "-map", "[video]"];
        string[] animation = animationPath is null ? [] : ["-map", "[gif]", "-loop", "0", "-f", "gif", animationPath];
        var start = new ProcessStartInfo(o.Ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", Number(fps), "-i", "pipe:0",
            .. filters,
            "-c:v", "libx264", "-preset", o.Preset, "-crf", o.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
            // The index first, so a browser plays the video before it has all of it.
            "-movflags", "+faststart", "-f", "mp4", outputPath,
            .. animation])
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            return new ClipEncoding(Process.Start(start)!, width * height * 3);
        }
        catch (Win32Exception)
        {
            lock (_probeGate)
            {
                _probe = (false, DateTimeOffset.UtcNow);
            }
            throw new ClipRenderException(MissingMessage);
        }
    }

    private static bool Runs(string program, string argument)
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    private static int Even(int n) => n + (n & 1);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>One ffmpeg at work: frames in through its standard input, the file written when it ends.</summary>
public sealed class ClipEncoding : IDisposable
{
    private readonly Process _process;
    private readonly int _frameBytes;
    private readonly Task<string> _errors;

    internal ClipEncoding(Process process, int frameBytes)
    {
        (_process, _frameBytes) = (process, frameBytes);
        // Read all along: a pipe left full would stall ffmpeg, and the last lines say why it failed.
        _errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public void Write(byte[] rgb)
    {
        if (rgb.Length != _frameBytes)
        {
            throw new ArgumentException($"a frame of {rgb.Length} bytes, not {_frameBytes}", nameof(rgb));
        }
        try
        {
            _process.StandardInput.BaseStream.Write(rgb);
        }
        catch (IOException)
        {
            // ffmpeg ended early; Finish says why.
        }
    }

    /// <summary>Closes the input and waits for ffmpeg to write the file.</summary>
    /// <exception cref="ClipRenderException">ffmpeg failed.</exception>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone: its exit code tells.
        }
        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            string errors = (await _errors).Trim();
            string last = errors.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
            throw new ClipRenderException($"The video encoder failed (ffmpeg exit code {_process.ExitCode}{(last.Length > 0 ? $": {last[..Math.Min(last.Length, 200)]}" : "")}).");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
