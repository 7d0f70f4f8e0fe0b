namespace WorldWeb.ReferenceWorld.Rendering;

public readonly record struct Rgb(float R, float G, float B)
{
    public Rgb Scale(float s) => new(R * s, G * s, B * s);

    public static Rgb Lerp(Rgb a, Rgb b, float t) =>
        new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);
}
