using WorldWeb.Persistence;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Lobby;

/// <summary>An encoded frame of a world and the entity tag that names it (its step live, its save asleep).</summary>
public sealed record LastFrame(byte[] Data, string ContentType, string ETag);

/// <summary>
/// The last frame of a world, for its owner's lobby: the frame it shows now when it is live anywhere in the cluster,
/// else its latest save's (or its genesis' when never saved). A sleeping world stays asleep.
/// </summary>
public sealed class LastFrames(LiveGlimpses glimpses, WorldStore store, ModelCatalog catalog, FrameEncoder encoder)
{
    /// <param name="knownTag">The tag the caller holds: a sleeping world whose latest save has it is not decoded again.</param>
    /// <exception cref="WorldUnavailableException">The world's model is not loaded here, or its latest save cannot be read by it (why, in words).</exception>
    public async Task<LastFrame> OfAsync(WorldRecord world, string? knownTag, CancellationToken cancellationToken)
    {
        if (await glimpses.OfAsync(world.Id) is { } live)
        {
            return new LastFrame(live.Frame.Data, live.Frame.ContentType, $"\"live-{live.Step}\"");
        }
        SaveRecord? save = await store.LatestSaveAsync(world.Id, cancellationToken);
        string tag = save is null ? "\"genesis\"" : $"\"save-{save.Id:N}\"";
        if (knownTag == tag)
        {
            return new LastFrame([], encoder.ContentType, tag);
        }
        LoadedModel model = catalog.Find(world.Model)
            ?? throw new WorldUnavailableException($"The model '{world.Model}' of this world is not loaded on this server, so its last frame cannot be read.");
        WorldState state;
        try
        {
            state = save is null ? WorldGenesis.Of(model, world.Seed) : SaveCodec.Decode(save.State, model);
        }
        catch (InvalidDataException ex)
        {
            throw new WorldUnavailableException($"The latest save of this world cannot be read ({ex.Message}), so its last frame cannot be shown.", ex);
        }
        var frame = model.Manifest.Frame;
        return new LastFrame(encoder.Encode(state.CurrentFrame, frame.Width, frame.Height), encoder.ContentType, tag);
    }
}
