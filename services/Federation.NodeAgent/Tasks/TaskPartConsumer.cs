using System.Text.Json;
using Federation.Algorithms;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using Federation.NodeAgent.Airlock;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Publishing;
using Federation.NodeAgent.Training;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Tasks;

/// <summary>
/// Runs this node's part of a task, after checking for itself what the central node already decided: the dataset
/// is this node's, the algorithm is allowed here, the visa holds. Withdrawn subjects are left out. Executors: cohort
/// statistics on the index, a round of federated training (<see cref="LocalTraining"/>), or the researcher's own
/// executors as processes (<see cref="ProcessPart"/>). Only what passes the airlock leaves: built-in algorithms
/// release fixed aggregates (small cells withheld); a process's logs and outputs are checked for size and for the
/// dataset's identifiers (<see cref="AirlockChecks"/>); and an algorithm the node's policy names in
/// <see cref="NodeAgentOptions.ManualRelease"/> waits for the operator (<see cref="HeldRelease"/>, <see cref="TaskPartHeld"/>).
/// The work runs before the store (it reads the PACS and may take minutes, which must not hold a commit batch); the
/// outcome is then recorded with the inbox row, so a redelivered command releases once.
/// </summary>
public sealed class TaskPartConsumer(
    GroupCommit<NodeAgentDbContext> store, IDbContextFactory<NodeAgentDbContext> databases, VisaVerifier visas, LocalTraining training,
    ProcessPart processes, IOptions<NodeAgentOptions> options, TimeProvider clock, ILogger<TaskPartConsumer> log)
    : IConsumer<RunTaskPart>
{
    public const string CohortStatistics = "builtin:cohort-statistics";
    private static readonly string[] BuiltIn = [CohortStatistics, FederatedTraining.Algorithm];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Outcome(string State, string Reason, string? Result);

    public async Task Consume(ConsumeContext<RunTaskPart> context)
    {
        var part = context.Message;
        var node = options.Value;
        var dataset = node.Datasets.FirstOrDefault(d => d.Id == part.Dataset);
        var refusal = await Refusal(part, dataset, context.CancellationToken);
        var outcome = refusal is not null
            ? new Outcome("SYSTEM_ERROR", $"refused at node {node.NodeName}: {refusal}", null)
            : await Execute(part, dataset!, context.CancellationToken);
        // Whatever carries content waits when the policy says so, a failed run's logs included: stderr is an exit too.
        var held = outcome.Result is not null && node.ManualRelease.Any(a => a == "*" || a == part.Algorithm);

        await store.ApplyOnce("task-part", context.MessageId ?? throw new InvalidOperationException("RunTaskPart without a message id"), (db, ct) =>
        {
            var stamp = new EventStamp(new Actor($"node:{node.NodeName}", "node", "node-agent"), context.CorrelationId ?? Guid.NewGuid(), clock);
            if (held)
            {
                var release = new HeldRelease
                {
                    Id = Guid.CreateVersion7(), TaskId = part.TaskId, Dataset = part.Dataset, Round = part.Round, Algorithm = part.Algorithm, Owner = part.Owner,
                    Result = outcome.Result!, PartState = outcome.State, PartReason = outcome.Reason, HeldAt = clock.GetUtcNow().UtcDateTime, CorrelationId = stamp.CorrelationId, Version = 1,
                };
                db.HeldReleases.Add(release);
                db.Publish(stamp.Stamp(new TaskPartHeld
                {
                    TaskId = part.TaskId, Node = node.NodeName, Dataset = part.Dataset, Round = part.Round,
                    Reason = $"passed the automatic checks; node {node.NodeName}'s policy asks its operator to release {part.Algorithm} results (release {release.Id:N})",
                }, Releases.AggregateOf(part.TaskId, node.NodeName, part.Dataset), Releases.VersionOf(part.Round, held: true)));
                log.LogInformation("Task {Task} on {Dataset}: held for the operator's release {Release}", part.TaskId, part.Dataset, release.Id);
            }
            else
            {
                Releases.Finish(db, stamp, part.TaskId, node.NodeName, part.Dataset, part.Round, outcome.State, outcome.Reason, outcome.Result, new(part.Owner, part.Algorithm, part.Visa));
                log.LogInformation("Task {Task} on {Dataset}: {State} ({Reason})", part.TaskId, part.Dataset, outcome.State, outcome.Reason);
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Why this node will not run the part, or null. The visa check may fetch keys over HTTPS.</summary>
    private async Task<string?> Refusal(RunTaskPart part, DatasetSettings? dataset, CancellationToken cancellationToken)
    {
        var node = options.Value;
        if (part.Node != node.NodeName || dataset is null)
            return $"dataset {part.Dataset} is not held by node {node.NodeName}";
        if (!Allowed(part.Algorithm, node.AllowedAlgorithms))
            return $"node {node.NodeName}'s policy does not allow {part.Algorithm}";
        if (!BuiltIn.Contains(part.Algorithm) && (part.Algorithm.StartsWith("builtin:", StringComparison.Ordinal) || part.Executors is not { Count: > 0 }))
            return $"node {node.NodeName} has no executor for {part.Algorithm}";
        return await visas.Refusal(part.Visa, part.Owner, part.Dataset, cancellationToken);
    }

    private async Task<Outcome> Execute(RunTaskPart part, DatasetSettings dataset, CancellationToken cancellationToken)
    {
        var node = options.Value;
        if (part.Algorithm == CohortStatistics)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var counts = await SubjectCounts.Count(db, dataset, new SubjectFilter(), node.SmallCellThreshold, cancellationToken);
            return new Outcome("COMPLETE", "released: aggregates only, small cells withheld", JsonSerializer.Serialize(counts, Json));
        }
        if (part.Algorithm == FederatedTraining.Algorithm)
        {
            var (report, refusal) = await training.Run(part, dataset, cancellationToken);
            return report is null
                ? new Outcome("SYSTEM_ERROR", $"refused at node {node.NodeName}: {refusal}", null)
                : new Outcome("COMPLETE", $"released round {part.Round}: sums, a model update or an accuracy, over at least {node.SmallCellThreshold} studies",
                    JsonSerializer.Serialize(report, FederatedTraining.Json));
        }
        var (result, state, reason) = await processes.Run(part, dataset, cancellationToken);
        var released = JsonSerializer.Serialize(result, Json);
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            if (await AirlockChecks.Refusal(db, dataset, released, node.ReleaseLimitBytes, cancellationToken) is { } withheld)
                return new Outcome("SYSTEM_ERROR", $"withheld by node {node.NodeName}'s airlock: {withheld}", null);
        return new Outcome(state, $"{reason}; passed the airlock (size, no identifiers of the dataset)", released);
    }

    private static bool Allowed(string algorithm, IReadOnlyList<string>? allowed) =>
        allowed is null ? algorithm.StartsWith("builtin:", StringComparison.Ordinal)
            : allowed.Contains(algorithm) || (algorithm.StartsWith("builtin:", StringComparison.Ordinal) && allowed.Contains("builtin:*"));
}
