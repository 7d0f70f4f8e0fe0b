namespace WorldWeb.Inference.Packages;

/// <summary>
/// The package's context pool graph (docs/model-format.md, "Context pool"): the model wrapped with a pool of every
/// world's context, so on a GPU contexts stay in device memory between steps. Optional; written by
/// <c>training/context_pool.py</c>.
/// </summary>
public sealed record ContextPoolSpec(string Onnx)
{
    public const string Pool = "pool", PoolOut = "pool_out", Rows = "pool_rows", UploadRows = "upload_rows", Uploads = "uploads";
}
