namespace WorldWeb.Inference.Packages;

/// <summary>The roles of docs/model-format.md; world.json maps each role to a tensor name of the graph.</summary>
public static class TensorRoles
{
    public const string Context = "context";
    public const string Action = "action";
    public const string Memory = "memory";
    public const string MemoryPose = "memory_pose";
    public const string Noise = "noise";

    /// <summary>The tracked pose the last context frame was seen from: (x, y in cells, heading in radians). Optional.</summary>
    public const string ViewPose = "view_pose";
    public const string Frame = "frame";
    public const string PoseDelta = "pose_delta";

    public const string Float32 = "float32";
    public const string Int64 = "int64";
    public const string Uint8 = "uint8";

    public static IReadOnlyList<string> Inputs { get; } = [Context, Action, Memory, MemoryPose, Noise, ViewPose];

    public static IReadOnlyList<string> Outputs { get; } = [Frame, PoseDelta];

    /// <summary>Memory inputs may be left out of the graph when the model has no memory slots; a model that does not
    /// read where the player stands leaves out the view pose.</summary>
    public static bool IsOptional(string role, int memorySlots) =>
        role == ViewPose || (memorySlots == 0 && role is Memory or MemoryPose);

    /// <summary>
    /// The dtypes a role may have. Context and memory frames come as float32 <c>[3, H, W]</c> in [0, 1], or as the
    /// 8-bit RGB the viewers see, uint8 <c>[H, W, 3]</c>, which the graph converts itself: a quarter of the bytes
    /// to move to a GPU each tick.
    /// </summary>
    public static IReadOnlyList<string> DtypesOf(string role) => role switch
    {
        Action => [Int64],
        Context or Memory => [Float32, Uint8],
        _ => [Float32],
    };

    /// <summary>The shape the contract requires for a role of the given dtype, given the manifest's frame, K and M.</summary>
    public static IReadOnlyList<TensorDim> ShapeOf(string role, string dtype, FrameSpec frame, int contextFrames, int memorySlots)
    {
        TensorDim b = TensorDim.Batch;
        TensorDim c = TensorDim.Fixed(frame.Channels), h = TensorDim.Fixed(frame.Height), w = TensorDim.Fixed(frame.Width);
        TensorDim[] image = dtype == Uint8 ? [h, w, c] : [c, h, w];
        return role switch
        {
            Context => [b, TensorDim.Fixed(contextFrames), .. image],
            Action => [b],
            Memory => [b, TensorDim.Fixed(memorySlots), .. image],
            MemoryPose => [b, TensorDim.Fixed(memorySlots), TensorDim.Fixed(4)],
            Noise or Frame => [b, c, h, w],
            PoseDelta or ViewPose => [b, TensorDim.Fixed(3)],
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role of worldweb-model/1"),
        };
    }
}
