namespace Federation.Compute.Tasks;

/// <summary>
/// A task: the TES document as submitted, its owner, its state, the router's decision and its logs. The
/// document and the logs are stored whole (JSON) because TES shows them whole; what is queried has its own column.
/// </summary>
public sealed class TaskRecord
{
    /// <summary>A version-7 GUID in its 32-digit form: sortable by creation, so it doubles as the page token.</summary>
    public string Id { get; set; } = "";

    public string Owner { get; set; } = "";
    public string? Name { get; set; }
    public string State { get; set; } = TesStates.Queued;
    public DateTime CreatedAt { get; set; }

    /// <summary>The TES task as submitted (without id, state, logs, creation time).</summary>
    public string Document { get; set; } = "";

    /// <summary>The datasets it reads, as a comma-joined list (ids hold no commas).</summary>
    public List<string> Datasets { get; set; } = [];

    /// <summary>How many datasets it reads: queried (the list itself is one text column).</summary>
    public int DatasetCount { get; set; }

    public string Algorithm { get; set; } = "";

    /// <summary>The router's decision (<c>TaskRouted</c> without its envelope).</summary>
    public string? Decision { get; set; }

    /// <summary>TES task logs (one per attempt), JSON.</summary>
    public string? Logs { get; set; }

    /// <summary>Federated training's progress (<see cref="FederatedRounds"/>): settings, round, global model, history. JSON; null for other tasks.</summary>
    public string? Training { get; set; }

    /// <summary>Every dataset the plan moves to the central node has arrived: the central executor may take the task.</summary>
    public bool CentralReady { get; set; }

    /// <summary>The task's policy when a node goes silent: false fails its parts there, true waits and sends them again when the node is back.</summary>
    public bool WaitForNodes { get; set; }

    public bool CancelRequested { get; set; }
    public long Version { get; set; }
}
