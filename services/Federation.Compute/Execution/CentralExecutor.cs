using Federation.Compute.Data;
using Federation.Compute.Tasks;
using Federation.Compute.Transfers;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Execution;
using Federation.ServiceDefaults.Hosting;

namespace Federation.Compute.Execution;

/// <summary>
/// Runs, at the central node, the tasks the router placed there: plain TES tasks that need no dataset, and tasks
/// whose datasets the nodes have copied here (<see cref="TaskRecord.CentralReady"/>), each dataset appearing
/// read-only at its input path. Their executors run one after another as processes (<see cref="ProcessExecutor"/>),
/// when the image is one the operator allows. A task is claimed by moving it QUEUED → INITIALIZING under its version
/// (one replica wins), then RUNNING, then COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR or CANCELED, each with its event.
/// Moved data is deleted once its task has ended, however it ended.
/// </summary>
public sealed class CentralExecutor(
    GroupCommit<ComputeDbContext> store,
    IDbContextFactory<ComputeDbContext> factory,
    ServiceDatabase<ComputeDbContext> database,
    IOptions<CentralOptions> options,
    TransferStore transfers,
    TimeProvider clock,
    ILogger<CentralExecutor> log) : BackgroundService
{
    private static readonly Actor Self = Actor.Service(ComputeModule.Name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        await PollingLoop.Run(RunNext, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), clock, log, "Central executor", stoppingToken);
    }

    /// <summary>Claims and runs one task; false when there was none (then deletes the moved data of ended tasks).</summary>
    private async Task<bool> RunNext(CancellationToken stoppingToken)
    {
        if (await Claim(stoppingToken))
            return true;
        await DeleteMovedDataOfEndedTasks(stoppingToken);
        return false;
    }

    private async Task DeleteMovedDataOfEndedTasks(CancellationToken stoppingToken)
    {
        await using var db = await factory.CreateDbContextAsync(stoppingToken);
        var ended = await db.Transfers.AsNoTracking()
            .Where(t => db.Tasks.Any(k => k.Id == t.TaskId && TesStates.Final.Contains(k.State))).Select(t => t.Id).ToListAsync(stoppingToken);
        transfers.Delete(ended);
    }

    private async Task<bool> Claim(CancellationToken stoppingToken)
    {
        var stamp = new EventStamp(Self, Guid.NewGuid(), clock);
        var claimed = await store.Write<(string Id, TesTask Document, Dictionary<string, string> Moved)?>(async (db, ct) =>
        {
            var task = await db.Tasks.Where(t => t.State == TesStates.Queued && t.Decision != null && (t.DatasetCount == 0 || t.CentralReady))
                .OrderBy(t => t.Id).FirstOrDefaultAsync(ct);
            if (task is null)
                return null;
            var document = System.Text.Json.JsonSerializer.Deserialize<TesTask>(task.Document, TaskLifecycle.Json)!;
            var refused = document.Executors!.Select(e => e.Image!).FirstOrDefault(i => !options.Value.ProcessImages.Contains(i));
            if (refused is not null)
            {
                TaskLifecycle.Change(db, task, TesStates.SystemError, $"the central node runs no '{refused}' executor (allowed: {string.Join(", ", options.Value.ProcessImages)})", stamp);
                return null;
            }
            TaskLifecycle.Change(db, task, TesStates.Initializing, "claimed by the central executor", stamp);
            var moved = await db.Transfers.AsNoTracking().Where(t => t.TaskId == task.Id).ToDictionaryAsync(t => t.Dataset, t => t.Id, ct);
            return (task.Id, document, moved);
        });
        if (claimed is not { } work)
            return false;
        await Run(work.Id, work.Document, work.Moved, stamp, stoppingToken);
        return true;
    }

    private async Task Run(string id, TesTask document, IReadOnlyDictionary<string, string> moved, EventStamp stamp, CancellationToken stoppingToken)
    {
        var root = WorkingDirectory.Create(id);
        try
        {
            foreach (var input in document.Inputs ?? [])
            {
                if (input.Url is { } url && url.StartsWith(TaskSpec.DatasetScheme, StringComparison.Ordinal))
                {
                    // A dataset moved here appears at its path; one that stayed at its node (a hybrid plan) ran there.
                    if (moved.TryGetValue(url[TaskSpec.DatasetScheme.Length..], out var transfer))
                        await MountReadOnly(transfers.DirectoryOf(transfer), ProcessExecutor.Within(root, input.Path!), stoppingToken);
                    continue;
                }
                if (input.Content is null)
                {
                    await Finish(id, TesStates.SystemError, $"input '{input.Name ?? input.Path}': the process executor takes inline content only", stamp, null);
                    return;
                }
                await WorkingDirectory.WriteReadOnly(ProcessExecutor.Within(root, input.Path!), System.Text.Encoding.UTF8.GetBytes(input.Content), stoppingToken);
            }
            await Change(id, TesStates.Running, "executors started", stamp, log => log with { StartTime = clock.GetUtcNow() });

            foreach (var (executor, index) in document.Executors!.Select((e, i) => (e, i)))
            {
                var result = await ProcessExecutor.Run(TesExecutors.Spec(executor), root, options.Value.ExecutorTimeout, () => CancelRequested(id), stoppingToken);
                await Change(id, null, $"executor {index} exited with {result.Log.ExitCode}", stamp, log => log with { Logs = [.. log.Logs, TesExecutors.Log(result.Log)] });
                if (result.Canceled)
                {
                    await Finish(id, TesStates.Canceled, $"executor {index} stopped: cancel requested", stamp, root, document);
                    return;
                }
                if (result.TimedOut || (result.Log.ExitCode != 0 && executor.IgnoreError != true))
                {
                    await Finish(id, TesStates.ExecutorError,
                        result.TimedOut ? $"executor {index} ran longer than {options.Value.ExecutorTimeout}" : $"executor {index} exited with {result.Log.ExitCode}", stamp, root, document);
                    return;
                }
            }
            await Finish(id, TesStates.Complete, "all executors finished", stamp, root, document);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            log.LogWarning("Task {Task} failed at the central node: {Error}", id, ex.Message);
            await Finish(id, TesStates.SystemError, $"the central executor failed: {ex.Message}", stamp, null);
        }
        finally
        {
            WorkingDirectory.Delete(root);
            transfers.Delete(moved.Values);
        }
    }

    private static async Task MountReadOnly(string source, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            await WorkingDirectory.WriteReadOnly(Path.Combine(target, Path.GetFileName(file)), await File.ReadAllBytesAsync(file, cancellationToken), cancellationToken);
        WorkingDirectory.Seal(target);
    }

    private async Task<bool> CancelRequested(string id)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Tasks.AsNoTracking().Where(t => t.Id == id).Select(t => t.CancelRequested).FirstOrDefaultAsync();
    }

    private Task Finish(string id, string state, string reason, EventStamp stamp, string? root, TesTask? document = null) =>
        Change(id, state, reason, stamp, log => log with { EndTime = clock.GetUtcNow(), Outputs = root is null || document is null ? log.Outputs : Outputs(document, root) });

    /// <summary>What each declared output became: its size (outputs stay at the central node until an airlock releases them).</summary>
    private static List<TesOutputFileLog> Outputs(TesTask document, string root) =>
        (document.Outputs ?? []).Where(o => o.Path is not null && File.Exists(ProcessExecutor.Within(root, o.Path)))
            .Select(o => new TesOutputFileLog(o.Url ?? "", o.Path!,
                new FileInfo(ProcessExecutor.Within(root, o.Path!)).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();


    /// <summary>Changes the state (or only the log, when <paramref name="state"/> is null), unless the task was canceled meanwhile.</summary>
    private Task Change(string id, string? state, string reason, EventStamp stamp, Func<TesTaskLog, TesTaskLog> update) =>
        store.Write<object?>(async (db, ct) =>
        {
            var task = await db.Tasks.FindAsync([id], ct) ?? throw new InvalidOperationException($"task {id} vanished");
            TaskLifecycle.Update(task, update);
            if (state is null)
                task.Version++;
            else if (task.State != TesStates.Canceled || state == TesStates.Canceled)
                TaskLifecycle.Change(db, task, state, reason, stamp);
            return null;
        });
}
