using System.Text;
using Federation.Contracts.Compute;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Federation.ServiceDefaults.Execution;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Tasks;

/// <summary>
/// The process executor at a node: a fresh working directory, the dataset's images (subjects who withdrew consent
/// left out) copied in read-only at the task's input path, named by the PACS's opaque instance ids; then the
/// executors one after another (<see cref="ProcessExecutor"/>, TES semantics: a non-zero exit stops the rest unless
/// ignore_error), and the declared outputs read back. The directory is deleted afterwards, whatever happened.
/// </summary>
public sealed class ProcessPart(IDbContextFactory<NodeAgentDbContext> databases, IImageContent images, IOptions<NodeAgentOptions> options)
{
    public async Task<(ProcessResult Result, string State, string Reason)> Run(RunTaskPart part, DatasetSettings dataset, CancellationToken cancellationToken)
    {
        var root = WorkingDirectory.Create(part.TaskId);
        try
        {
            var copied = await CopyDataset(root, part.InputPath ?? $"/data/{dataset.Id}", dataset, cancellationToken);
            foreach (var output in part.Outputs ?? [])
                Directory.CreateDirectory(Path.GetDirectoryName(ProcessExecutor.Within(root, output))!);
            var logs = new List<ExecutorRun>();
            foreach (var (executor, index) in (part.Executors ?? []).Select((e, i) => (e, i)))
            {
                var run = await ProcessExecutor.Run(executor, root, options.Value.ExecutorTimeout, () => Task.FromResult(false), cancellationToken);
                logs.Add(run.Log);
                if (run.TimedOut)
                    return (new ProcessResult(logs, []), "EXECUTOR_ERROR", $"executor {index} ran longer than {options.Value.ExecutorTimeout}");
                if (run.Log.ExitCode != 0 && !executor.IgnoreError)
                    return (new ProcessResult(logs, Outputs(root, part)), "EXECUTOR_ERROR", $"executor {index} exited with {run.Log.ExitCode}");
            }
            return (new ProcessResult(logs, Outputs(root, part)), "COMPLETE", $"{logs.Count} executor(s) finished on {copied} image(s)");
        }
        finally
        {
            WorkingDirectory.Delete(root);
        }
    }

    private async Task<int> CopyDataset(string root, string inputPath, DatasetSettings dataset, CancellationToken cancellationToken)
    {
        var target = ProcessExecutor.Within(root, inputPath);
        Directory.CreateDirectory(target);
        List<string> ids;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            ids = await DatasetImages.Ids(db, dataset, cancellationToken);
        var copied = 0;
        foreach (var id in ids)
        {
            if (await images.File(id, cancellationToken) is not { } file)
                continue; // deleted since it was indexed
            await WorkingDirectory.WriteReadOnly(Path.Combine(target, DatasetImages.FileNameOf(id, file.Extension)), file.Content, cancellationToken);
            copied++;
        }
        WorkingDirectory.Seal(target);
        return copied;
    }

    private static List<ReleasedOutput> Outputs(string root, RunTaskPart part) =>
        (part.Outputs ?? []).Select(o => (Path: o, Full: ProcessExecutor.Within(root, o))).Where(o => File.Exists(o.Full)).Select(o =>
        {
            var bytes = File.ReadAllBytes(o.Full);
            var text = IsText(bytes) ? Encoding.UTF8.GetString(bytes) : null;
            return new ReleasedOutput(o.Path, bytes.LongLength, text, text is null ? Convert.ToBase64String(bytes) : null);
        }).ToList();

    private static bool IsText(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(bytes);
            return !bytes.Contains((byte)0);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
