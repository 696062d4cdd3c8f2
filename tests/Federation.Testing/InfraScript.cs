using System.Diagnostics;

namespace Federation.Testing;

/// <summary>Runs one of the project's scripts/ and reads the KEY=VALUE lines it prints.</summary>
public static class InfraScript
{
    public static async Task<IReadOnlyDictionary<string, string>> Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Scripts, script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
    }
}
