using System.Diagnostics;
using System.Text.Json;
using SkiaSharp;
using WorldWeb.ReferenceWorld;
using WorldWeb.ReferenceWorld.Exploration;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Eval;

namespace WorldWeb.Tools.Bench;

/// <summary>
/// ./worldweb bench encode [--model DIR]: bytes per frame and encode time of PNG, WebP and JPEG on
/// reference-world frames, or on frames the model generates,
/// with the encoder settings of WorldWeb.Server/Frames/FrameEncoder.cs (keep the two in step).
/// </summary>
public static class EncodeBenchCommand
{
    private static readonly (string Name, Func<SKPixmap, SKData?> Encode)[] Encoders =
    [
        ("png", p => p.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))),
        ("webp_lossless", p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75))),
        ("webp_q90", p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, 90))),
        ("jpeg_q90", p => p.Encode(new SKJpegEncoderOptions(90, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))),
        ("jpeg_q75", p => p.Encode(new SKJpegEncoderOptions(75, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))),
    ];

    public static int Run(CommandArgs args)
    {
        var size = args.Int("size", 64);
        var count = args.Int("frames", 300);
        var jsonPath = args.Text("json");
        var modelFolder = args.Text("model");
        args.EnsureAllRead();

        var frames = modelFolder is null ? ReferenceFrames(size, count) : ModelFrames(modelFolder, count, out size);
        var results = Encoders.Select(e => Measure(e.Name, e.Encode, frames, size)).ToArray();
        var source = modelFolder is null ? "reference_world" : $"model {modelFolder}";
        var json = JsonSerializer.Serialize(new { benchmark = "frame_encode", source, width = size, height = size, frames = count, raw_bytes = size * size * 3, encoders = results },
            new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null) File.WriteAllText(jsonPath, json);
        return 0;
    }

    private static List<byte[]> ReferenceFrames(int size, int count)
    {
        var world = World.Create(3, WorldOptions.Default with { Width = size, Height = size });
        var explorer = new Explorer(world, 3);
        var frames = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            world.Apply(explorer.Next());
            var frame = new byte[world.FrameBytes];
            world.Render(frame);
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>Frames a model generates from start state 0, turning and walking, as the server would step them.</summary>
    private static List<byte[]> ModelFrames(string folder, int count, out int size)
    {
        using var package = PackageOpener.Open(folder, new InferenceOptions(), NullLogger.Instance);
        using var model = package.CreateWorldModel();
        var manifest = package.Manifest;
        size = manifest.Frame.Width;
        var frames = package.Start(0).ToArray().Chunk(manifest.Frame.ValueCount).ToList();
        var actions = Enumerable.Range(0, count).Select(i => i / 8 % manifest.Actions.Count).ToList();
        var row = new RolloutRow(3, 1, frames, new Pose(0, 0, 0), actions, null);
        new Rollout(model, 1).Run([row]);
        return row.Frames;
    }

    private static object Measure(string name, Func<SKPixmap, SKData?> encode, List<byte[]> frames, int size)
    {
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = frames.Select(ToRgba).ToList();
        long bytes = 0;
        foreach (var pass in new[] { false, true }) // the first pass warms up
        {
            bytes = 0;
            var clock = Stopwatch.StartNew();
            foreach (var pixels in rgba)
            {
                using var bitmap = new SKBitmap(info);
                System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
                using var pixmap = bitmap.PeekPixels();
                using var data = encode(pixmap) ?? throw new InvalidOperationException($"SkiaSharp could not encode {name}");
                bytes += data.Size;
            }
            if (pass)
            {
                return new { format = name, mean_bytes = (double)bytes / frames.Count, mean_encode_us = clock.Elapsed.TotalMicroseconds / frames.Count };
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    private static byte[] ToRgba(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int p = 0, q = 0; p < rgb.Length; p += 3, q += 4)
        {
            (rgba[q], rgba[q + 1], rgba[q + 2], rgba[q + 3]) = (rgb[p], rgb[p + 1], rgb[p + 2], 255);
        }
        return rgba;
    }
}
