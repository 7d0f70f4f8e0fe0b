namespace WorldWeb.Server.Safety;

/// <summary>Says once at start-up that the Data Protection keys are stored unencrypted, and how to encrypt them.</summary>
public sealed partial class KeysInTheClearNotice(ILogger<KeysInTheClearNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogInTheClear(logger, KeyEncryption.PathKey.Replace(":", "__", StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data Protection keys (which encrypt cookies) are stored in the database unencrypted: " +
        "set {Setting} to a file outside the database (made on first start; every node the same) to encrypt them. ./worldweb run does.")]
    private static partial void LogInTheClear(ILogger logger, string setting);
}
