namespace WorldWeb.Inference.Npy;

/// <summary>A <c>.npy</c> file that <see cref="NpyReader"/> cannot or will not read.</summary>
public sealed class NpyFormatException : Exception
{
    public NpyFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
