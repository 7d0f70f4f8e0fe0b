"""Which operators of a graph ONNX Runtime's CUDA provider cannot run.

A node the CUDA provider has no kernel for runs on the CPU: the step copies its inputs to the host and its outputs
back in the middle of every step, and ONNX Runtime will not capture the step as a CUDA graph (docs/gpu.md,
"CUDA graphs"). The names below are the ai.onnx operators of ONNX Runtime 1.31's CUDA provider (its
docs/OperatorKernels.md, "Operators implemented by CUDAExecutionProvider"). Only names are checked, not element
types: an operator the provider has for float but not for int32, say, is not caught here.
"""
CUDA_OPS = frozenset("""
Abs Add Affine And ArgMax ArgMin Attention AveragePool BatchNormalization Cast Ceil Clip Compress Concat
ConcatFromSequence Constant ConstantOfShape Conv ConvTranspose Cos Crop CumSum DepthToSpace DequantizeLinear Div Dropout
DynamicSlice Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU Gather GatherElements GatherND Gelu Gemm
GlobalAveragePool GlobalMaxPool Greater GreaterOrEqual GridSample HardSigmoid HardSwish Identity If ImageScaler
InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax Loop MatMul
MatMulInteger Max MaxPool Min Mod Mul Neg NonZero Not OneHot Or PRelu Pad ParametricSoftplus Pow QuantizeLinear
RMSNormalization RNN RandomNormal RandomNormalLike RandomUniform RandomUniformLike Range Reciprocal ReduceL1 ReduceL2
ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize
ReverseSequence RoiAlign RotaryEmbedding Round ScaledTanh Scan Scatter ScatterElements ScatterND Selu SequenceAt
SequenceConstruct SequenceEmpty SequenceErase SequenceInsert SequenceLength Shape Shrink Sigmoid Sign Sin Size Slice
Softmax Softplus Softsign SpaceToDepth Split Sqrt Squeeze Sub Sum Tanh ThresholdedRelu Tile TopK Transpose Trilu
Unsqueeze Upsample Where Xor
""".split())


def missing_on_cuda(model) -> list:
    """The operator types of the graph's ai.onnx nodes that the CUDA provider has no kernel for, sorted."""
    return sorted({n.op_type for n in model.graph.node if n.domain in ("", "ai.onnx") and n.op_type not in CUDA_OPS})
