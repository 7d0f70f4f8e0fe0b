namespace WorldWeb.Server.ModelPackages;

/// <summary>A folder an admin asked to load from is outside the model root or holds no package the server can serve.</summary>
public sealed class ModelFolderException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A model cannot be loaded or unloaded because of what is loaded or running now.</summary>
public sealed class ModelConflictException(string message) : InvalidOperationException(message);
