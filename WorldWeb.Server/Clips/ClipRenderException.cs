namespace WorldWeb.Server.Clips;

/// <summary>A clip that cannot be rendered, with why in words for the one who asked for it.</summary>
public sealed class ClipRenderException(string message) : Exception(message);
