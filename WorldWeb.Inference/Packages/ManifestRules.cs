namespace WorldWeb.Inference.Packages;

/// <summary>The rules of docs/model-format.md that world.json must satisfy on its own, before the graph is opened.</summary>
internal static class ManifestRules
{
    // Bounds that keep one package from asking the server for absurd buffers (every world holds K + M frames).
    public const int MaxFrameSide = 1024, MaxFps = 240, MaxContextFrames = 64, MaxMemorySlots = 64, MaxActions = 256, MaxCodebook = 1 << 16;

    public static string? FirstProblem(ModelManifest m) =>
        m.Format != ModelManifest.FormatId ? $"format is '{m.Format}' but WorldWeb reads '{ModelManifest.FormatId}'"
        : string.IsNullOrWhiteSpace(m.Name) ? "name is empty"
        : FileNameProblem("onnx (the graph's file name)", m.Onnx)
        ?? FileNameProblem("starts (the start states' file name)", m.Starts)
        ?? (m.Frame.Width <= 0 || m.Frame.Height <= 0 ? $"frame is {m.Frame.Width}x{m.Frame.Height}; width and height must be positive"
        : m.Frame.Width > MaxFrameSide || m.Frame.Height > MaxFrameSide ? $"frame is {m.Frame.Width}x{m.Frame.Height}; width and height must be at most {MaxFrameSide}"
        : m.Frame.Channels != 3 ? $"frame.channels is {m.Frame.Channels}; frames are RGB, so it must be 3"
        : m.Fps <= 0 || m.Fps > MaxFps ? $"fps is {m.Fps}; it must be in 1..{MaxFps}"
        : m.ContextFrames < 1 || m.ContextFrames > MaxContextFrames ? $"context_frames is {m.ContextFrames}; it must be in 1..{MaxContextFrames}"
        : m.MemorySlots < 0 || m.MemorySlots > MaxMemorySlots ? $"memory_slots is {m.MemorySlots}; it must be in 0..{MaxMemorySlots}"
        : m.Actions.Count > MaxActions ? $"actions has {m.Actions.Count} entries; at most {MaxActions}"
        : ActionProblem(m.Actions))
        ?? RoleProblem("inputs", m.Inputs, TensorRoles.Inputs, m)
        ?? StartPosesProblem(m)
        ?? RoleProblem("outputs", m.Outputs, TensorRoles.Outputs, m)
        ?? FrameDtypeProblem(m)
        ?? DuplicateNameProblem(m)
        ?? ContextPoolProblem(m)
        ?? PrecisionProblem("half", "half-precision", m.Half, m)
        ?? PrecisionProblem("int8", "int8", m.Int8, m)
        ?? CodebookProblem(m)
        ?? TokenPriorProblem(m)
        ?? PosesProblem(m.Poses, m.Actions);

    private static string? PosesProblem(PoseSpec? poses, IReadOnlyList<ActionSpec> actions) =>
        (poses?.HeadingStepDegrees is not { } step ? null
        : double.IsFinite(step) && step > 0 && step <= PoseSpec.MaxHeadingStepDegrees ? null
        : $"poses.heading_step_degrees is {step}; it must be more than 0 and at most {PoseSpec.MaxHeadingStepDegrees}")
        ?? MoveStepsProblem(poses?.MoveSteps, actions);

    private static string? MoveStepsProblem(IReadOnlyDictionary<string, double[]>? steps, IReadOnlyList<ActionSpec> actions)
    {
        foreach ((string name, double[] step) in steps ?? new Dictionary<string, double[]>())
        {
            string field = $"poses.move_steps.{name}";
            int index = ActionSpec.IndexOf(actions, name);
            if (index < 0)
            {
                return $"{field} names no action of the package";
            }
            if (index == ActionSpec.Noop)
            {
                return $"{field}: action 0 is the noop, which moves nobody";
            }
            if (step is not { Length: 2 } || !double.IsFinite(step[0]) || !double.IsFinite(step[1]))
            {
                return $"{field} must be two numbers, [forward, right] in cells";
            }
            double length = double.Hypot(step[0], step[1]);
            if (length > PoseSpec.MaxMoveStepCells)
            {
                return $"{field} is {length:0.###} cells long; it must be at most {PoseSpec.MaxMoveStepCells}";
            }
        }
        return null;
    }

    /// <summary>The graph and the start states are files of the package folder itself: a bare name, no path.</summary>
    // A graph that reads where the player stands needs each new world to start where its start state was seen from.
    private static string? StartPosesProblem(ModelManifest m) =>
        m.StartPoses is { } file ? FileNameProblem("start_poses (the start poses' file name)", file)
        : m.TakesViewPose ? "inputs.view_pose is mapped but start_poses is missing: a world must start at its start state's pose in the world's grid"
        : null;

    private static string? FileNameProblem(string field, string? name) =>
        string.IsNullOrWhiteSpace(name) ? $"{field} is empty"
        : name != Path.GetFileName(name) || name is "." or ".." || name.Contains('\\') || Path.IsPathRooted(name)
            ? $"{field} is '{name}'; it must be a file name in the package folder, without a path"
            : null;

    // The pool holds contexts as the server does, 8-bit RGB, so that it can check what the pool holds.
    private static string? ContextPoolProblem(ModelManifest m) =>
        m.ContextPool is null ? null
        : FileNameProblem("context_pool.onnx (the context pool graph's file name)", m.ContextPool.Onnx)
        ?? (m.TakesRgb24Frames ? null : "context_pool needs 8-bit RGB frame inputs (inputs.context.dtype uint8): convert the package with training/rgb24.py first");

    private static string? PrecisionProblem(string field, string words, PrecisionGraphs? graphs, ModelManifest m) =>
        graphs is null ? null
        : FileNameProblem($"{field}.onnx (the {words} graph's file name)", graphs.Onnx)
        ?? (graphs.ContextPool is null ? null
            : m.ContextPool is null ? $"{field}.context_pool is set but context_pool is not: a {words} pool graph needs the float one's rules"
            : FileNameProblem($"{field}.context_pool (the {words} context pool graph's file name)", graphs.ContextPool))
        ?? (!graphs.SnappedFrames || (m.Sampler?.CodebookFile is not null && m.TakesRgb24Frames) ? null
            : $"{field}.snapped_frames needs sampler.codebook_file and 8-bit RGB frame inputs: the server snaps frames to that codebook");

    // The codebook cuts frames into patches: they must tile the frame, and the file must hold as many as it says.
    private static string? CodebookProblem(ModelManifest m) =>
        m.Sampler?.CodebookFile is not { } file ? null
        : FileNameProblem("sampler.codebook_file (the codebook's file name)", file)
        ?? (m.Sampler.Kind != SamplerSpec.CodebookTokens ? $"sampler.codebook_file is set but sampler.kind is '{m.Sampler.Kind}', not '{SamplerSpec.CodebookTokens}'"
        : m.Sampler.Codebook is not (>= 1 and <= MaxCodebook) ? $"sampler.codebook is {m.Sampler.Codebook?.ToString() ?? "missing"}; it must be in 1..{MaxCodebook}"
        : m.Sampler.Patch is not (>= 1 and <= MaxFrameSide) || m.Frame.Width % m.Sampler.Patch != 0 || m.Frame.Height % m.Sampler.Patch != 0
            ? $"sampler.patch is {m.Sampler.Patch?.ToString() ?? "missing"}; patches of that side must tile the {m.Frame.Width}x{m.Frame.Height} frame"
            : null);

    // A token prior scores the codebook's patches: without the codebook there is nothing for it to score.
    private static string? TokenPriorProblem(ModelManifest m) =>
        m.Sampler?.TokenPriorFile is not { } file ? null
        : FileNameProblem("sampler.token_prior_file (the token prior's file name)", file)
        ?? (m.Sampler.CodebookFile is null ? "sampler.token_prior_file is set but sampler.codebook_file is not: a token prior scores the codebook's patches" : null);

    private static string? ActionProblem(IReadOnlyList<ActionSpec> actions)
    {
        if (actions.Count == 0)
        {
            return "actions is empty; a world needs at least one action";
        }
        for (int i = 0; i < actions.Count; i++)
        {
            if (actions[i].Index != i)
            {
                return $"actions[{i}].index is {actions[i].Index}; it must equal its position {i}";
            }
            if (string.IsNullOrWhiteSpace(actions[i].Name))
            {
                return $"actions[{i}].name is empty";
            }
        }
        // Action 0 is what a world does when nobody acts (a player who lets go, a connection that leaves): a press
        // returns to it, so it cannot be one; and it is applied at every idle step, where a change would forget memory.
        return actions[0].Press ? "actions[0].press is true; action 0 is the noop a world falls back to, so it cannot be a press"
            : actions[0].ChangesWorld ? "actions[0].changes_world is true; action 0 is the noop a world falls back to, so it cannot change the world"
            : null;
    }

    private static string? RoleProblem(
        string section, IReadOnlyDictionary<string, TensorSpec> specs, IReadOnlyList<string> roles, ModelManifest m)
    {
        foreach (string key in specs.Keys)
        {
            if (!roles.Contains(key))
            {
                return $"{section} has unknown role '{key}'; the roles are {string.Join(", ", roles)}";
            }
        }
        foreach (string role in roles)
        {
            if (!specs.TryGetValue(role, out TensorSpec? spec))
            {
                if (TensorRoles.IsOptional(role, m.MemorySlots))
                {
                    continue;
                }
                return $"{section}.{role} is missing";
            }
            string? problem = SpecProblem(spec, role, m);
            if (problem is not null)
            {
                return $"{section}.{role}: {problem}";
            }
        }
        if (specs.ContainsKey(TensorRoles.Memory) != specs.ContainsKey(TensorRoles.MemoryPose))
        {
            return $"{section} must map both {TensorRoles.Memory} and {TensorRoles.MemoryPose}, or neither";
        }
        return null;
    }

    private static string? SpecProblem(TensorSpec spec, string role, ModelManifest m)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            return "name is empty";
        }
        IReadOnlyList<string> dtypes = TensorRoles.DtypesOf(role);
        if (!dtypes.Contains(spec.Dtype))
        {
            return $"dtype is '{spec.Dtype}' but the role requires '{string.Join("' or '", dtypes)}'";
        }
        IReadOnlyList<TensorDim> expected = TensorRoles.ShapeOf(role, spec.Dtype, m.Frame, m.ContextFrames, m.MemorySlots);
        if (!spec.Shape.SequenceEqual(expected))
        {
            return $"shape is {spec.ShapeText} but frame, context_frames and memory_slots require {TensorSpec.FormatShape(expected)}";
        }
        return null;
    }

    // A world's frames are fed one way: context and memory both float32, or both 8-bit RGB.
    private static string? FrameDtypeProblem(ModelManifest m) =>
        m.Inputs.TryGetValue(TensorRoles.Memory, out TensorSpec? memory) && memory.Dtype != m.Inputs[TensorRoles.Context].Dtype
            ? $"inputs.memory has dtype '{memory.Dtype}' but inputs.context '{m.Inputs[TensorRoles.Context].Dtype}'; both must be float32 or both uint8"
            : null;

    private static string? DuplicateNameProblem(ModelManifest m)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string role, TensorSpec spec) in m.Inputs.Concat(m.Outputs))
        {
            if (!seen.Add(spec.Name))
            {
                return $"tensor name '{spec.Name}' is mapped to more than one role (again by '{role}')";
            }
        }
        return null;
    }
}
