namespace WorldWeb.Inference.Poses;

public static class Angles
{
    /// <summary>The angle equal to <paramref name="radians"/> modulo 2π in (−π, π].</summary>
    public static double Wrap(double radians)
    {
        const double TwoPi = 2 * Math.PI;
        return radians - TwoPi * Math.Ceiling((radians - Math.PI) / TwoPi);
    }
}
