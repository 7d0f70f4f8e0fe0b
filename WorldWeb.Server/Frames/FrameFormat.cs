namespace WorldWeb.Server.Frames;

public enum FrameFormat
{
    Png,
    Jpeg,
    WebpLossless,
    Webp,
}
