using System.Text.Json.Nodes;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Tests.Inference;

[Trait(Category.Name, Category.Unit)]
public sealed class ModelManifestTests
{
    private const string Source = "pkg/world.json";

    private static JsonObject ValidManifest() =>
        JsonNode.Parse(System.IO.File.ReadAllText(Fixtures.File("tiny", "world.json")))!.AsObject();

    private static ModelPackageException Refused(Action<JsonObject> breakIt)
    {
        JsonObject json = ValidManifest();
        breakIt(json);
        return Assert.Throws<ModelPackageException>(() => ModelManifest.Parse(json.ToJsonString(), Source));
    }

    [Fact]
    public void Parse_FixtureManifest_ReadsEveryField()
    {
        ModelManifest manifest = ModelManifest.Parse(ValidManifest().ToJsonString(), Source);

        Assert.Equal("worldweb-model/1", manifest.Format);
        Assert.Equal(new FrameSpec(8, 8, 3), manifest.Frame);
        Assert.Equal(2, manifest.ContextFrames);
        Assert.Equal(2, manifest.MemorySlots);
        Assert.Equal(20, manifest.Fps);
        Assert.Equal(["noop", "forward", "turn_left", "turn_right"], manifest.Actions.Select(a => a.Name));
        Assert.Equal(["KeyW", "ArrowUp"], manifest.Actions[1].Keys);
        Assert.Equal("[batch,2,3,8,8]", manifest.Inputs["context"].ShapeText);
        Assert.Equal("standard_normal", manifest.Inputs["noise"].Distribution);
        Assert.Equal("pose_delta", manifest.Outputs["pose_delta"].Name);
        Assert.True(manifest.HasMemoryInputs);
        Assert.Equal("none; synthetic graph", manifest.Training!.Value.GetProperty("note").GetString());
    }

    [Fact]
    public void Parse_WrongFormat_NamesFileAndFormat()
    {
        ModelPackageException ex = Refused(j => j["format"] = "worldweb-model/2");

        Assert.Equal(Source, ex.FilePath);
        Assert.StartsWith("pkg/world.json: ", ex.Message);
        Assert.Contains("format is 'worldweb-model/2'", ex.Message);
    }

    [Fact]
    public void Parse_ActionIndexNotItsPosition_IsRefused()
    {
        ModelPackageException ex = Refused(j => j["actions"]![2]!["index"] = 3);

        Assert.Contains("actions[2].index is 3; it must equal its position 2", ex.Message);
    }

    [Theory]
    [InlineData("context_frames", 0, "context_frames is 0")]
    [InlineData("memory_slots", -1, "memory_slots is -1")]
    [InlineData("fps", 0, "fps is 0")]
    [InlineData("fps", 1000, "fps is 1000; it must be in 1..240")]
    [InlineData("context_frames", 65, "context_frames is 65; it must be in 1..64")]
    [InlineData("memory_slots", 100000, "memory_slots is 100000; it must be in 0..64")]
    public void Parse_CountOutOfRange_IsRefused(string field, int value, string expected)
    {
        Assert.Contains(expected, Refused(j => j[field] = value).Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(120.0)]
    public void Parse_HeadingStepOutOfRange_IsRefused(double degrees)
    {
        ModelPackageException ex = Refused(j => j["poses"] = new System.Text.Json.Nodes.JsonObject { ["heading_step_degrees"] = degrees });

        Assert.Contains($"poses.heading_step_degrees is {degrees}; it must be more than 0 and at most 90", ex.Message);
    }

    [Theory]
    [InlineData("jump", "[0.1, 0]", "poses.move_steps.jump names no action of the package")]
    [InlineData("noop", "[0.1, 0]", "poses.move_steps.noop: action 0 is the noop, which moves nobody")]
    [InlineData("forward", "[0.1]", "poses.move_steps.forward must be two numbers, [forward, right] in cells")]
    [InlineData("forward", "[50, 0]", "poses.move_steps.forward is 50 cells long; it must be at most 10")]
    public void Parse_BadMoveStep_IsRefused(string action, string step, string expected)
    {
        ModelPackageException ex = Refused(j => j["poses"] = new JsonObject { ["move_steps"] = new JsonObject { [action] = JsonNode.Parse(step) } });

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Parse_MoveSteps_AreReadPerAction()
    {
        JsonObject json = ValidManifest();
        json["poses"] = new JsonObject { ["move_steps"] = new JsonObject { ["forward"] = new JsonArray(0.1, 0.0) } };

        ModelManifest manifest = ModelManifest.Parse(json.ToJsonString(), Source);

        Assert.Equal([0.1, 0.0], manifest.Poses!.MoveSteps!["forward"]);
    }

    [Fact]
    public void Parse_NonPositiveOrHugeFrameSize_IsRefused()
    {
        Assert.Contains("width and height must be positive", Refused(j => j["frame"]!["width"] = 0).Message);
        Assert.Contains("width and height must be at most 1024", Refused(j => j["frame"]!["height"] = 100_000).Message);
    }

    [Theory]
    [InlineData("onnx", "../../etc/passwd")]
    [InlineData("onnx", "/tmp/model.onnx")]
    [InlineData("starts", "sub/starts.npy")]
    [InlineData("starts", "..")]
    [InlineData("start_poses", "../poses.npy")]
    public void Parse_FileOutsideThePackageFolder_IsRefused(string field, string name)
    {
        Assert.Contains("must be a file name in the package folder, without a path", Refused(j => j[field] = name).Message);
    }

    [Fact]
    public void Parse_MissingRole_IsRefused()
    {
        Assert.Contains("inputs.noise is missing", Refused(j => j["inputs"]!.AsObject().Remove("noise")).Message);
    }

    [Fact]
    public void Parse_ViewPoseWithoutStartPoses_IsRefused_AndWithThemAccepted()
    {
        static void TakeViewPose(JsonObject j) =>
            j["inputs"]!["view_pose"] = new JsonObject { ["name"] = "view_pose", ["dtype"] = "float32", ["shape"] = new JsonArray("batch", 3) };

        Assert.Contains("inputs.view_pose is mapped but start_poses is missing", Refused(TakeViewPose).Message);
        Assert.Contains("inputs.view_pose: shape is [batch,2]", Refused(j =>
        {
            TakeViewPose(j);
            j["inputs"]!["view_pose"]!["shape"] = new JsonArray("batch", 2);
        }).Message);
        JsonObject json = ValidManifest();
        TakeViewPose(json);
        json["start_poses"] = "start_poses.npy";
        ModelManifest manifest = ModelManifest.Parse(json.ToJsonString(), Source);
        Assert.Equal(("start_poses.npy", true), (manifest.StartPoses, manifest.TakesViewPose));
    }

    [Fact]
    public void Parse_MemoryRoleMissingWhileSlotsExist_IsRefused()
    {
        Assert.Contains("inputs.memory_pose is missing", Refused(j => j["inputs"]!.AsObject().Remove("memory_pose")).Message);
    }

    [Fact]
    public void Parse_ShapeInconsistentWithFrameSize_NamesBothShapes()
    {
        ModelPackageException ex = Refused(j => j["inputs"]!["context"]!["shape"] = new JsonArray("batch", 2, 3, 16, 16));

        Assert.Contains("inputs.context: shape is [batch,2,3,16,16]", ex.Message);
        Assert.Contains("require [batch,2,3,8,8]", ex.Message);
    }

    [Fact]
    public void Parse_ShapeInconsistentWithMemorySlots_IsRefused()
    {
        Assert.Contains("outputs.pose_delta: shape is [batch,4]",
            Refused(j => j["outputs"]!["pose_delta"]!["shape"] = new JsonArray("batch", 4)).Message);
        Assert.Contains("inputs.memory_pose: shape is [batch,3,4]",
            Refused(j => j["inputs"]!["memory_pose"]!["shape"] = new JsonArray("batch", 3, 4)).Message);
    }

    [Fact]
    public void Parse_FixedBatchInManifest_IsRefused()
    {
        Assert.Contains("inputs.action: shape is [1]", Refused(j => j["inputs"]!["action"]!["shape"] = new JsonArray(1)).Message);
    }

    [Fact]
    public void Parse_WrongDtypeForRole_IsRefused()
    {
        Assert.Contains("inputs.action: dtype is 'int32' but the role requires 'int64'",
            Refused(j => j["inputs"]!["action"]!["dtype"] = "int32").Message);
    }

    [Fact]
    public void Parse_Rgb24Frames_AreHwcUint8InContextAndMemoryAlike()
    {
        ModelManifest rgb24 = ModelManifest.Parse(System.IO.File.ReadAllText(Fixtures.File("tiny_rgb24", "world.json")), Source);
        Assert.True(rgb24.TakesRgb24Frames);
        Assert.Equal("[batch,2,8,8,3]", rgb24.Inputs["context"].ShapeText);
        Assert.False(ModelManifest.Parse(ValidManifest().ToJsonString(), Source).TakesRgb24Frames);

        Assert.Contains("inputs.context: shape is [batch,2,3,8,8] but frame, context_frames and memory_slots require [batch,2,8,8,3]",
            Refused(j => j["inputs"]!["context"]!["dtype"] = "uint8").Message);
        Assert.Contains("inputs.memory has dtype 'uint8' but inputs.context 'float32'; both must be float32 or both uint8",
            Refused(j =>
            {
                j["inputs"]!["memory"]!["dtype"] = "uint8";
                j["inputs"]!["memory"]!["shape"] = new JsonArray("batch", 2, 8, 8, 3);
            }).Message);
        Assert.Contains("inputs.noise: dtype is 'uint8' but the role requires 'float32'",
            Refused(j => j["inputs"]!["noise"]!["dtype"] = "uint8").Message);
    }

    [Fact]
    public void Parse_Int8GraphsTakingSnappedFrames_NeedTheCodebookTheServerSnapsTo()
    {
        Assert.Contains("int8.snapped_frames needs sampler.codebook_file and 8-bit RGB frame inputs",
            Refused(j => j["int8"] = new JsonObject { ["onnx"] = "model_int8.onnx", ["snapped_frames"] = true }).Message);
    }

    [Fact]
    public void Parse_UnknownRole_IsRefused()
    {
        Assert.Contains("unknown role 'memroy'",
            Refused(j => j["inputs"]!["memroy"] = j["inputs"]!["memory"]!.DeepClone()).Message);
    }

    [Fact]
    public void Parse_TwoRolesOnOneTensor_IsRefused()
    {
        Assert.Contains("tensor name 'context' is mapped to more than one role",
            Refused(j => j["inputs"]!["noise"]!["name"] = "context").Message);
    }

    [Fact]
    public void Parse_MissingRequiredMember_NamesIt()
    {
        Assert.Contains("context_frames", Refused(j => j.Remove("context_frames")).Message);
    }

    [Fact]
    public void Parse_SymbolicDimensionOtherThanBatch_IsRefused()
    {
        Assert.Contains("\"batch\"", Refused(j => j["inputs"]!["noise"]!["shape"] = new JsonArray("n", 3, 8, 8)).Message);
    }

    [Fact]
    public void Parse_MalformedJson_NamesFile()
    {
        var ex = Assert.Throws<ModelPackageException>(() => ModelManifest.Parse("{ \"format\": ", Source));

        Assert.StartsWith("pkg/world.json: not a valid manifest", ex.Message);
    }

    [Fact]
    public void Parse_NoMemorySlotsWithoutMemoryRoles_IsAccepted()
    {
        ModelManifest manifest = ModelManifest.Load(Fixtures.File("tiny_no_memory", "world.json"));

        Assert.Equal(0, manifest.MemorySlots);
        Assert.False(manifest.HasMemoryInputs);
    }
}
