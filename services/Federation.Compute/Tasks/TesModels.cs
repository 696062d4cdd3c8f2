using System.Text.Json.Serialization;

namespace Federation.Compute.Tasks;

// GA4GH TES 1.1 wire types (snake_case as the specification spells them). Federation extensions stay within TES:
// datasets are inputs with url federation://datasets/<id>, placement and GPUs are backend_parameters.

public sealed record TesInput(
    string? Name, string? Description, string? Url, string? Path, string? Type, string? Content, bool? Streamable);

public sealed record TesOutput(
    string? Name, string? Description, string? Url, string? Path, [property: JsonPropertyName("path_prefix")] string? PathPrefix, string? Type);

public sealed record TesResources(
    [property: JsonPropertyName("cpu_cores")] int? CpuCores,
    bool? Preemptible,
    [property: JsonPropertyName("ram_gb")] double? RamGb,
    [property: JsonPropertyName("disk_gb")] double? DiskGb,
    IReadOnlyList<string>? Zones,
    [property: JsonPropertyName("backend_parameters")] IReadOnlyDictionary<string, string>? BackendParameters,
    [property: JsonPropertyName("backend_parameters_strict")] bool? BackendParametersStrict);

public sealed record TesExecutor(
    string? Image, IReadOnlyList<string>? Command, string? Workdir, string? Stdin, string? Stdout, string? Stderr,
    IReadOnlyDictionary<string, string>? Env, [property: JsonPropertyName("ignore_error")] bool? IgnoreError);

/// <summary>TES executors and their logs to and from the shape the process executors share with the nodes.</summary>
public static class TesExecutors
{
    public static Contracts.Compute.TaskExecutorSpec Spec(TesExecutor e) => new()
    {
        Image = e.Image!, Command = e.Command!, Workdir = e.Workdir, Stdin = e.Stdin, Stdout = e.Stdout, Stderr = e.Stderr, Env = e.Env,
        IgnoreError = e.IgnoreError == true,
    };

    public static TesExecutorLog Log(ServiceDefaults.Execution.ExecutorRun run) => new(run.StartTime, run.EndTime, run.Stdout, run.Stderr, run.ExitCode);
}

public sealed record TesExecutorLog(
    [property: JsonPropertyName("start_time")] DateTimeOffset? StartTime,
    [property: JsonPropertyName("end_time")] DateTimeOffset? EndTime,
    string? Stdout, string? Stderr,
    [property: JsonPropertyName("exit_code")] int ExitCode);

public sealed record TesOutputFileLog(string Url, string Path, [property: JsonPropertyName("size_bytes")] string SizeBytes);

public sealed record TesTaskLog(
    IReadOnlyList<TesExecutorLog> Logs,
    IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("start_time")] DateTimeOffset? StartTime,
    [property: JsonPropertyName("end_time")] DateTimeOffset? EndTime,
    IReadOnlyList<TesOutputFileLog> Outputs,
    [property: JsonPropertyName("system_logs")] IReadOnlyList<string>? SystemLogs);

/// <summary>A task as submitted (id, state, logs and creation time are ours to set) and as shown.</summary>
public sealed record TesTask(
    string? Id, string? State, string? Name, string? Description,
    IReadOnlyList<TesInput>? Inputs, IReadOnlyList<TesOutput>? Outputs, TesResources? Resources, IReadOnlyList<TesExecutor>? Executors,
    IReadOnlyList<string>? Volumes, IReadOnlyDictionary<string, string>? Tags, IReadOnlyList<TesTaskLog>? Logs,
    [property: JsonPropertyName("creation_time")] DateTimeOffset? CreationTime);

public sealed record TesCreateTaskResponse(string Id);

public sealed record TesListTasksResponse(IReadOnlyList<TesTask> Tasks, [property: JsonPropertyName("next_page_token")] string? NextPageToken);

public sealed record TesServiceType(string Group, string Artifact, string Version);

public sealed record TesOrganization(string Name, string Url);

public sealed record TesServiceInfo(
    string Id, string Name, TesServiceType Type, string? Description, TesOrganization Organization, string Version,
    IReadOnlyList<string> Storage,
    [property: JsonPropertyName("tesResources_backend_parameters")] IReadOnlyList<string> BackendParameters);

/// <summary>TES task states, and which of them are final.</summary>
public static class TesStates
{
    public const string Unknown = "UNKNOWN";
    public const string Queued = "QUEUED";
    public const string Initializing = "INITIALIZING";
    public const string Running = "RUNNING";
    public const string Paused = "PAUSED";
    public const string Complete = "COMPLETE";
    public const string ExecutorError = "EXECUTOR_ERROR";
    public const string SystemError = "SYSTEM_ERROR";
    public const string Canceled = "CANCELED";
    public const string Preempted = "PREEMPTED";
    public const string Canceling = "CANCELING";

    public static readonly IReadOnlyList<string> All =
        [Unknown, Queued, Initializing, Running, Paused, Complete, ExecutorError, SystemError, Canceled, Preempted, Canceling];

    /// <summary>The states a task or a part never leaves.</summary>
    public static readonly IReadOnlyList<string> Final = [Complete, ExecutorError, SystemError, Canceled, Preempted];

    public static bool IsFinal(string state) => Final.Contains(state);
}

/// <summary>The backend parameters this service understands (announced in service-info).</summary>
public static class BackendParameters
{
    public const string Gpus = "gpu_count";
    public const string GpuMemoryGb = "gpu_memory_gb";
    public const string Placement = "federation.placement";
    public const string Aggregator = "federation.aggregator";

    /// <summary>What a node going silent does to the task's parts there: <c>fail</c> (default) or <c>wait</c> for the node to return.</summary>
    public const string OnNodeLoss = "federation.on_node_loss";

    public static readonly IReadOnlyList<string> All = [Gpus, GpuMemoryGb, Placement, Aggregator, OnNodeLoss];
}
