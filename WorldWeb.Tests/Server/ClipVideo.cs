extern alias server;

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SkiaSharp;
using WorldWeb.Client.Contracts;
using ClipEncoder = server::WorldWeb.Server.Clips.ClipEncoder;
using ClipOptions = server::WorldWeb.Server.Clips.ClipOptions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A clip's video seen as frames again: decoded by the same ffmpeg back to RGB24 at the world's size (nearest-neighbour,
/// so each 8×8 block of the video gives one pixel). Frames the world streamed go through the server's own encoder and
/// the same decoding, so a clip is compared codec output to codec output: equal bytes mean equal frames went in.
/// </summary>
public static class ClipVideo
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Asks for a clip; the answer as it came.</summary>
    public static Task<HttpResponseMessage> AskAsync(HttpClient http, string world, long from, long to) =>
        http.PostAsJsonAsync("/api/clips", new CreateClipRequest(world, from, to));

    /// <summary>Asks for a clip and waits until it is ready; fails the test when it is refused or fails.</summary>
    public static async Task<ClipInfo> RenderAsync(HttpClient http, string world, long from, long to)
    {
        HttpResponseMessage asked = await AskAsync(http, world, from, to);
        Assert.True(asked.IsSuccessStatusCode, $"clip refused: {(int)asked.StatusCode} {await asked.Content.ReadAsStringAsync()}");
        ClipInfo clip = (await asked.Content.ReadFromJsonAsync<ClipInfo>())!;
        clip = await UntilDoneAsync(http, clip.Id);
        Assert.True(clip.Status == ClipStatuses.Ready, $"clip {clip.Status}: {clip.Error}");
        return clip;
    }

    /// <summary>The <c>detail</c> of a ProblemDetails answer.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString() ?? "";

    public static async Task<ClipInfo> UntilDoneAsync(HttpClient http, string clipId, TimeSpan? timeout = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            ClipInfo clip = (await http.GetFromJsonAsync<ClipInfo>($"/api/clips/{clipId}"))!;
            if (clip.IsDone || waited.Elapsed > (timeout ?? TimeSpan.FromSeconds(90)))
            {
                return clip;
            }
            await Task.Delay(200);
        }
    }

    public static async Task<List<ClipEvent>> EventsAsync(HttpClient http, ClipInfo clip)
    {
        string text = await http.GetStringAsync(clip.EventsUrl);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<ClipEvent>(line, Json)!)];
    }

    /// <summary>The frames of a clip's video, decoded to RGB24 at <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static async Task<List<byte[]>> FramesAsync(HttpClient http, ClipInfo clip, int width, int height) =>
        Decode(await http.GetByteArrayAsync(clip.VideoUrl), width, height);

    /// <summary>The frames of a clip's GIF, decoded to RGB24 and taken back to the world's <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static async Task<List<byte[]>> AnimationFramesAsync(HttpClient http, ClipInfo clip, int width, int height) =>
        Decode(await http.GetByteArrayAsync(clip.AnimationUrl), width, height);

    /// <summary>RGB24 frames through the server's encoder (its default settings) and back.</summary>
    public static async Task<List<byte[]>> ThroughTheCodecAsync(IReadOnlyList<byte[]> frames, int width, int height, double fps)
    {
        var encoder = new ClipEncoder(Options.Create(new ClipOptions()));
        string path = Path.Combine(Path.GetTempPath(), $"worldweb-test-{Guid.NewGuid():N}.mp4");
        try
        {
            using (var encoding = encoder.Start(width, height, fps, path))
            {
                foreach (byte[] frame in frames)
                {
                    encoding.Write(frame);
                }
                await encoding.FinishAsync(CancellationToken.None);
            }
            return Decode(await File.ReadAllBytesAsync(path), width, height);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A streamed frame (PNG, lossless) as RGB24.</summary>
    public static byte[] Rgb(FrameMessage frame)
    {
        Assert.Equal("image/png", frame.ContentType);
        using SKBitmap bitmap = SKBitmap.Decode(frame.Data);
        byte[] rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                int p = 3 * (y * bitmap.Width + x);
                (rgb[p], rgb[p + 1], rgb[p + 2]) = (c.Red, c.Green, c.Blue);
            }
        }
        return rgb;
    }

    private static List<byte[]> Decode(byte[] mp4, int width, int height)
    {
        string path = Path.Combine(Path.GetTempPath(), $"worldweb-test-{Guid.NewGuid():N}.mp4");
        File.WriteAllBytes(path, mp4);
        try
        {
            var start = new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path,
                "-vf", $"scale={width}:{height}:flags=neighbor", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process ffmpeg = Process.Start(start)!;
            Task<string> errors = ffmpeg.StandardError.ReadToEndAsync();
            using var raw = new MemoryStream();
            ffmpeg.StandardOutput.BaseStream.CopyTo(raw);
            ffmpeg.WaitForExit();
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg could not decode the clip: {errors.Result}");
            byte[] all = raw.ToArray();
            int frameBytes = width * height * 3;
            Assert.Equal(0, all.Length % frameBytes);
            return [.. all.Chunk(frameBytes)];
        }
        finally
        {
            File.Delete(path);
        }
    }
}
