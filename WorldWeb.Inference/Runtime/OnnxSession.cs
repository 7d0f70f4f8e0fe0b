using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace WorldWeb.Inference.Runtime;

/// <summary>Creates the one <see cref="InferenceSession"/> of a model, falling back from CUDA to CPU.</summary>
internal static class OnnxSession
{
    /// <param name="provider">The provider to try first; the options' by default.</param>
    public static (InferenceSession Session, ExecutionProviderKind Provider) Create(
        string modelPath, InferenceOptions options, ILogger logger, ExecutionProviderKind? provider = null)
    {
        if ((provider ?? options.ExecutionProvider) == ExecutionProviderKind.Cuda)
        {
            // A CPU-only build lacks the provider, and a GPU build fails here or at session creation when the
            // machine has no usable GPU or CUDA libraries; either way the world should still run, only slower.
            try
            {
                return (CreateCuda(modelPath, options, capturesGraphs: false), ExecutionProviderKind.Cuda);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                InferenceLog.CudaUnavailable(logger, options.DeviceId, FirstLine(ex.Message));
            }
        }
        using SessionOptions cpu = CreateOptions(options);
        return (new InferenceSession(modelPath, cpu), ExecutionProviderKind.Cpu);
    }

    /// <summary>A session on the CUDA provider; with <paramref name="capturesGraphs"/>, one that captures and replays CUDA graphs.</summary>
    /// <exception cref="OnnxRuntimeException">The provider, or graph capture of this graph, is unavailable.</exception>
    public static InferenceSession CreateCuda(string modelPath, InferenceOptions options, bool capturesGraphs)
    {
        using SessionOptions cuda = CreateOptions(options);
        using var cudaOptions = new OrtCUDAProviderOptions();
        Dictionary<string, string> providerOptions = options.Cuda.ProviderOptions(options.DeviceId);
        providerOptions["enable_cuda_graph"] = capturesGraphs ? "1" : "0";
        cudaOptions.UpdateOptions(providerOptions);
        cuda.AppendExecutionProvider_CUDA(cudaOptions);
        return new InferenceSession(modelPath, cuda);
    }

    private static SessionOptions CreateOptions(InferenceOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            IntraOpNumThreads = options.IntraOpThreads,
            // The graph is one straight chain per tick; a second pool of inter-op threads would only idle.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (options.ProfilePrefix is not null)
        {
            // In this order: enabling hands ONNX Runtime the prefix set at that moment.
            sessionOptions.ProfileOutputPathPrefix = options.ProfilePrefix;
            sessionOptions.EnableProfiling = true;
        }
        return sessionOptions;
    }

    public static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
