using Microsoft.Extensions.Logging;

namespace WorldWeb.Inference.Runtime;

internal static partial class InferenceLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "CUDA execution provider for device {DeviceId} is unavailable ({Reason}); running on CPU")]
    public static partial void CudaUnavailable(ILogger logger, int deviceId, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Loaded model package {Name} {Version} from {Folder}: {ExecutionProvider}, frame {Width}x{Height}, K={ContextFrames}, M={MemorySlots}, {StartCount} starts, frames in as {FrameInput}, batches {Padding}, contexts {Contexts}")]
    public static partial void PackageLoaded(
        ILogger logger, string name, string version, string folder, ExecutionProviderKind executionProvider,
        int width, int height, int contextFrames, int memorySlots, int startCount, string frameInput, string padding, string contexts);
}
