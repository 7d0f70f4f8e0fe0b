namespace WorldWeb.Persistence;

/// <summary>
/// One admin or owner action: who (<see cref="ActorId"/>, and the account's email when signed in), what
/// (<see cref="Action"/> on <see cref="Target"/>) and when. Rows are only added, and deleted after Retention:AuditDays.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public required string ActorId { get; init; }
    public string? ActorEmail { get; init; }
    public required string Action { get; init; }
    public string? Target { get; init; }
    public string? Detail { get; init; }
}
