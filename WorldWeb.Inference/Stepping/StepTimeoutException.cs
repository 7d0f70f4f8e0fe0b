namespace WorldWeb.Inference.Stepping;

/// <summary>A run outlasted its <see cref="WorldModel.RunTimeout"/> and ONNX Runtime was told to terminate it.</summary>
public sealed class StepTimeoutException(TimeSpan timeout, Exception? innerException = null)
    : TimeoutException($"the model's run took longer than {timeout.TotalSeconds:0.###} s and was terminated", innerException)
{
    public TimeSpan Timeout { get; } = timeout;
}
