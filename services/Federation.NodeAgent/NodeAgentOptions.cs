namespace Federation.NodeAgent;

/// <summary>A node agent's settings (<c>Federation:NodeAgent</c>): which node it is, where its PACS is, and its datasets.</summary>
public sealed class NodeAgentOptions
{
    public const string Section = "Federation:NodeAgent";

    /// <summary>The node's name (its enrolment); unset means the embedded demo node on a synthetic cohort.</summary>
    public string? Node { get; set; }

    public string DataHolder { get; set; } = "demo-hospital";
    public string? Country { get; set; }
    public string? Institution { get; set; }

    /// <summary>The hospital's Orthanc REST API (e.g. http://127.0.0.1:8042); unset: the built-in synthetic cohort.</summary>
    public Uri? OrthancUrl { get; set; }

    /// <summary>How often to look for new changes when Orthanc had none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Distribution buckets with fewer subjects than this carry no count.</summary>
    public int SmallCellThreshold { get; set; } = 5;

    public List<DatasetSettings> Datasets { get; set; } = [];

    /// <summary>How often the node tells the registry it is alive, what it can run and what waits at it.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What the node can run, as reported in its heartbeats (CPU and memory are detected unless set).</summary>
    public Heartbeat.CapabilitySettings Capabilities { get; set; } = new();

    /// <summary>
    /// Local policy: the algorithms this node runs (<c>builtin:*</c> for every built-in one, or image names). Unset:
    /// built-in algorithms only. Reported in heartbeats so the router does not send what the node would refuse.
    /// </summary>
    public List<string>? AllowedAlgorithms { get; set; }

    /// <summary>
    /// The airlock's manual gate: the algorithms (built-in names or images; <c>*</c> for all) whose results wait for
    /// this node's operator to release them (<c>POST /api/node/releases/{id}/release</c> on this node), after the
    /// automatic checks. Unset: none wait.
    /// </summary>
    public List<string> ManualRelease { get; set; } = [];

    /// <summary>How long an image's executors may run at this node before they are stopped (EXECUTOR_ERROR).</summary>
    public TimeSpan ExecutorTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most a process result may carry out through the airlock (logs and outputs together).</summary>
    public int ReleaseLimitBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The JWKS of the one visa issuer this node trusts (the access role's <c>/api/entitlements/visa-keys</c>). Unset:
    /// no visa holds, so no task runs here. The embedded demo node trusts its own process.
    /// </summary>
    public Uri? VisaKeysUrl { get; set; }

    public bool IsDemo => Node is null;

    public string NodeName => Node ?? ServiceDefaults.Hosting.DemoFederation.Node;

    /// <summary>A synthetic cohort of a hospital's size instead of Orthanc (benchmarks); unset: Orthanc, or the small demo cohort.</summary>
    public SyntheticCohortSettings Synthetic { get; set; } = new();

    /// <summary>Images per reconciliation page, each page its own transaction (also the page size of the store's listing).</summary>
    public int ReconcilePageSize { get; set; } = 1000;
}

/// <summary>
/// One dataset this node publishes: the images whose <c>ClinicalTrialProtocolID</c> equals
/// <see cref="Collection"/> (how the hospital groups a research collection in its PACS).
/// </summary>
public sealed class DatasetSettings
{
    public string Id { get; set; } = "";
    public string Collection { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>An ICD-O-3 topography code (e.g. C34 lung) and its label.</summary>
    public string? CancerType { get; set; }

    public string? CancerTypeLabel { get; set; }

    /// <summary>controlled (access request needed), registered or open.</summary>
    public string AccessModel { get; set; } = "controlled";
}
