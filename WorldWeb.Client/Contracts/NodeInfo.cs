namespace WorldWeb.Client.Contracts;

/// <summary>
/// A node of the cluster as <c>GET /api/admin/nodes</c> shows it: its address in the cluster, where clients reach it,
/// its membership status (Active, Joining, ShuttingDown, Dead…), what it last reported (the ids of its live worlds
/// among it), when, what the play pages it serves measured (null from a node older than that report), and the most
/// worlds it keeps live at once (<c>Worlds:MaxLiveWorlds</c>; null from a node older than that report).
/// </summary>
public sealed record NodeInfo(string Address, string Url, string Status, bool Draining, string Provider, int Worlds, int Viewers,
    double Fps, IReadOnlyList<NodeModelInfo> Models, IReadOnlyList<string> WorldIds, DateTimeOffset ReportedAt, ClientPlayInfo? Players = null,
    int? MaxWorlds = null);

/// <summary>
/// A model loaded on a node: how many of its worlds the node can step at the model's fps (from the measured step
/// time of its batched runs; null before it has stepped any), how many it steps now, the median step time, and
/// whether its runs fail there so that its worlds are paused (placement then sends none of its worlds there).
/// </summary>
public sealed record NodeModelInfo(string Name, int? Capacity, int Worlds, double StepMs, bool OutOfPlay = false);

/// <summary><c>POST /api/admin/nodes/drain</c>: drain the node at <paramref name="Address"/> (its worlds move, it takes no new ones), or undrain it.</summary>
public sealed record DrainRequest(string Address, bool Drain = true);
