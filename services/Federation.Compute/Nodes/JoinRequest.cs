using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Security;

namespace Federation.Compute.Nodes;

public static class NodeLimits
{
    public const int TextLength = 200;
    public const int ReasonLength = 1000;
}

/// <summary>What a hospital sends to ask for its node to join; every problem is reported at once.</summary>
public sealed record JoinRequest(string? Node, string? Country, string? Institution, string? DataHolder, string? Tier, CapabilitiesBody? Capabilities)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new List<(string Field, string Problem)>();
        if (!NodeNames.IsValid(Node))
            errors.Add(("node", NodeNames.Rule));
        if (Country is null || Country.Length != 2 || !Country.All(char.IsAsciiLetterUpper))
            errors.Add(("country", "An ISO 3166-1 alpha-2 code in capitals, e.g. DE."));
        if (!IsText(Institution))
            errors.Add(("institution", $"1 to {NodeLimits.TextLength} printable characters."));
        if (!NodeNames.IsValid(DataHolder))
            errors.Add(("dataHolder", "The data holder's id: " + NodeNames.Rule));
        if (Tier is null || !NodeTiers.All.Contains(Tier))
            errors.Add(("tier", $"One of: {string.Join(", ", NodeTiers.All)}."));
        if (Capabilities is null)
            errors.Add(("capabilities", "What the node can run: cpus, memoryBytes, gpus, gpuMemoryBytes, bandwidthBitsPerSecond."));
        else
            errors.AddRange(Capabilities.Problems("capabilities"));
        return errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Problem).ToArray());
    }

    public NodeProfile ToProfile() => new(Node!, Country!, Institution!.Trim(), DataHolder!, Tier!, Capabilities!.ToCapabilities());

    internal static bool IsText(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Trim().Length <= NodeLimits.TextLength && !value.Any(char.IsControl);
}

/// <summary>Declared capabilities; nulls are refused rather than taken for zero.</summary>
public sealed record CapabilitiesBody(int? Cpus, long? MemoryBytes, int? Gpus, long? GpuMemoryBytes, long? BandwidthBitsPerSecond)
{
    // A terabyte-scale node and a 400 Gbit/s uplink are far beyond any hospital today; larger figures are typos.
    private const long MaxMemory = 1L << 42, MaxBandwidth = 400_000_000_000L;

    public IEnumerable<(string Field, string Problem)> Problems(string prefix)
    {
        if (Cpus is not (>= 1 and <= 4096))
            yield return ($"{prefix}.cpus", "1 to 4096.");
        if (MemoryBytes is not (>= 1 and <= MaxMemory))
            yield return ($"{prefix}.memoryBytes", $"1 to {MaxMemory} bytes.");
        if (Gpus is not (>= 0 and <= 256))
            yield return ($"{prefix}.gpus", "0 to 256.");
        if (GpuMemoryBytes is not (>= 0 and <= MaxMemory) || (Gpus == 0 && GpuMemoryBytes > 0))
            yield return ($"{prefix}.gpuMemoryBytes", $"0 to {MaxMemory} bytes per GPU; 0 without GPUs.");
        if (BandwidthBitsPerSecond is not (>= 1 and <= MaxBandwidth))
            yield return ($"{prefix}.bandwidthBitsPerSecond", $"1 to {MaxBandwidth}.");
    }

    public NodeCapabilities ToCapabilities() => new(Cpus!.Value, MemoryBytes!.Value, Gpus!.Value, GpuMemoryBytes!.Value, BandwidthBitsPerSecond!.Value);
}

/// <summary>A platform admin's reason for declining or revoking.</summary>
public sealed record DecisionBody(string? Reason)
{
    public Dictionary<string, string[]> Validate(bool required) =>
        (required && string.IsNullOrWhiteSpace(Reason)) || Reason is { Length: > NodeLimits.ReasonLength } || Reason?.Any(c => char.IsControl(c) && c != '\n') == true
            ? new() { ["reason"] = [$"{(required ? "1" : "0")} to {NodeLimits.ReasonLength} printable characters."] }
            : [];
}
