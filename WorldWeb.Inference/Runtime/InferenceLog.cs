using Microsoft.Extensions.Logging;

namespace WorldWeb.Inference.Runtime;

internal static partial class InferenceLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "CUDA execution provider for device {DeviceId} is unavailable ({Reason}); running on CPU")]
    public static partial void CudaUnavailable(ILogger logger, int deviceId, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Loaded model package {Name} {Version} from {Folder}: {ExecutionProvider}, {Precision}, frame {Width}x{Height}, K={ContextFrames}, M={MemorySlots}, {StartCount} starts, frames in as {FrameInput}, batches {Padding}, contexts {Contexts}")]
    public static partial void PackageLoaded(
        ILogger logger, string name, string version, string folder, ExecutionProviderKind executionProvider, Precision precision,
        int width, int height, int contextFrames, int memorySlots, int startCount, string frameInput, string padding, string contexts);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Model package {Name}: precision {Precision} was asked for, but the package has no graph in it ({Script} adds one); running float32")]
    public static partial void PrecisionUnavailable(ILogger logger, string name, Precision precision, string script);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "Model package {Name}: its context pool graph failed to run ({Reason}); every world now steps the plain graph, sending its context each step (Inference:ContextPooling=Off skips the pool)")]
    public static partial void ContextPoolFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Model package {Name}: CUDA graphs were asked for, but {Reason}; steps run without them")]
    public static partial void CudaGraphsUnavailable(ILogger logger, string name, string reason);
}
