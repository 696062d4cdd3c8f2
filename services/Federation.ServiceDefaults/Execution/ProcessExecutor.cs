using System.Diagnostics;
using System.Text;
using Federation.Contracts.Compute;

namespace Federation.ServiceDefaults.Execution;

/// <summary>What one executor did: when, its output (each stream capped for the log), its exit code.</summary>
public sealed record ExecutorRun(DateTimeOffset StartTime, DateTimeOffset EndTime, string Stdout, string Stderr, int ExitCode);

/// <summary>One output file brought back from a node: its TES path, size, and content (UTF-8 text, else base64).</summary>
public sealed record ReleasedOutput(string Path, long SizeBytes, string? Text, string? Base64);

/// <summary>What a researcher's executors did at a node: their logs and outputs, as the node's airlock judged and released them (a part's result).</summary>
public sealed record ProcessResult(IReadOnlyList<ExecutorRun> Logs, IReadOnlyList<ReleasedOutput> Outputs);

/// <summary>
/// Runs one TES executor as a plain process (no container here), at the central node and at the nodes alike: the
/// command in the task's fresh working directory, with its environment, stdin, and stdout/stderr captured (also
/// written to the paths asked for). TES paths are absolute inside a container; here they are taken relative to the
/// working directory, whose path the process finds in <c>TES_ROOT</c>. A container or Kubernetes Job executor would
/// take the same spec and give the same <see cref="ExecutorRun"/>.
/// </summary>
public static class ProcessExecutor
{
    /// <summary>Output kept in the task log per stream; the rest goes to the file the executor names, if any.</summary>
    private const int LogLimit = 64 * 1024;

    public sealed record Result(ExecutorRun Log, bool Canceled, bool TimedOut);

    public static string Within(string root, string tesPath)
    {
        var full = Path.GetFullPath(Path.Combine(root, tesPath.TrimStart('/')));
        if (!full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != Path.GetFullPath(root))
            throw new InvalidOperationException($"The path '{tesPath}' leaves the task's working directory.");
        return full;
    }

    public static async Task<Result> Run(TaskExecutorSpec executor, string root, TimeSpan timeout, Func<Task<bool>> cancelRequested, CancellationToken stopping)
    {
        var command = executor.Command;
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = executor.Workdir is { Length: > 0 } w ? Within(root, w) : root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = executor.Stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in executor.Env ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        start.Environment["TES_ROOT"] = root;
        Directory.CreateDirectory(start.WorkingDirectory);

        var begun = DateTimeOffset.UtcNow;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new Result(new ExecutorRun(begun, DateTimeOffset.UtcNow, "", $"could not start '{command[0]}': {ex.Message}", 127), false, false);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(stopping);
            var stderr = process.StandardError.ReadToEndAsync(stopping);
            if (executor.Stdin is { } stdinPath)
            {
                await using (var input = File.OpenRead(Within(root, stdinPath)))
                    await input.CopyToAsync(process.StandardInput.BaseStream, stopping);
                process.StandardInput.Close();
            }
            var deadline = DateTimeOffset.UtcNow + timeout;
            bool canceled = false, timedOut = false;
            using var exited = new CancellationTokenSource();
            var waiting = process.WaitForExitAsync(exited.Token);
            // Poll for a cancel request while the process runs: cancellation is a row flag other replicas may set.
            while (!waiting.IsCompleted)
            {
                await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(200), stopping));
                if (waiting.IsCompleted)
                    break;
                canceled = stopping.IsCancellationRequested || await cancelRequested();
                timedOut = DateTimeOffset.UtcNow > deadline;
                if (canceled || timedOut)
                {
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }
            await process.WaitForExitAsync(CancellationToken.None);
            var output = await stdout;
            var errors = await stderr;
            if (executor.Stdout is { } outPath)
                await File.WriteAllTextAsync(Within(root, outPath), output, CancellationToken.None);
            if (executor.Stderr is { } errPath)
                await File.WriteAllTextAsync(Within(root, errPath), errors, CancellationToken.None);
            return new Result(new ExecutorRun(begun, DateTimeOffset.UtcNow, Cap(output), Cap(errors), process.ExitCode), canceled, timedOut);
        }
    }

    private static string Cap(string text) =>
        Encoding.UTF8.GetByteCount(text) <= LogLimit ? text : text[..Math.Min(text.Length, LogLimit)] + "\n[… cut: the whole output is in the executor's stdout/stderr file]";
}
