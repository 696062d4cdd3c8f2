namespace Federation.Contracts.Compute;

/// <summary>
/// One TES executor as a node runs it (part of <see cref="RunTaskPart"/>, not a message): the image names the
/// environment the node's policy allows, the command runs in the part's fresh working directory, where TES paths
/// are taken relative to it (the dataset appears read-only at its input path; <c>TES_ROOT</c> names the directory).
/// </summary>
public sealed record TaskExecutorSpec
{
    public required string Image { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public string? Workdir { get; init; }
    public string? Stdin { get; init; }
    public string? Stdout { get; init; }
    public string? Stderr { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    public bool IgnoreError { get; init; }
}
