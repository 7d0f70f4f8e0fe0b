namespace WorldWeb.Persistence;

/// <summary>
/// The membership version of one Orleans cluster: every change to its members' rows bumps it, and a writer that read
/// an older one loses (Orleans' membership protocol, on <see cref="ClusterMemberRecord"/>).
/// </summary>
public sealed class ClusterVersionRecord
{
    public required string ClusterId { get; init; }
    public int Version { get; set; }
}

/// <summary>One silo (a WorldWeb node) as Orleans' membership protocol records it: its address, status, liveness and suspicions.</summary>
public sealed class ClusterMemberRecord
{
    public required string ClusterId { get; init; }

    /// <summary>Orleans' parsable silo address: endpoint and generation.</summary>
    public required string Address { get; init; }
    public required string HostName { get; set; }
    public required string SiloName { get; set; }
    public int Status { get; set; }
    public int ProxyPort { get; set; }
    public int UpdateZone { get; set; }
    public int FaultZone { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset IAmAliveTime { get; set; }

    /// <summary>Who suspects this silo and since when: "address ticks" entries separated by '|'.</summary>
    public string? SuspectTimes { get; set; }

    /// <summary>Bumped on every update of the row: a writer must name the one it read.</summary>
    public int ETag { get; set; }
}

/// <summary>
/// What a node serves, as it last said (every few seconds): where it is reached, which models it has loaded and how
/// many worlds of each it can step, how many it steps, and whether it is draining. Placement and the admin's nodes view read it.
/// </summary>
public sealed class ClusterNodeRecord
{
    public required string ClusterId { get; init; }
    public required string Address { get; init; }
    public required string Url { get; set; }
    public required string Report { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set by an admin (the node never writes it): the node is to hand its worlds over and take no new ones.</summary>
    public bool DrainRequested { get; set; }
}
