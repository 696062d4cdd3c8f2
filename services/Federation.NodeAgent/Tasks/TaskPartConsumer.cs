using System.Text.Json;
using Federation.Algorithms;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Publishing;
using Federation.NodeAgent.Training;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Tasks;

/// <summary>
/// Runs this node's part of a task, after checking for itself what the central node already decided: the dataset
/// is this node's, the algorithm is allowed here, the visa holds. Withdrawn subjects are left out (the counts do).
/// Only what passes the airlock leaves: aggregates with cells under the small-cell threshold withheld, no subject
/// identifiers. The outcome is published (<see cref="TaskPartFinished"/>) in the same transaction as the inbox row,
/// so a redelivered command runs once.
/// </summary>
public sealed class TaskPartConsumer(
    GroupCommit<NodeAgentDbContext> store, VisaVerifier visas, LocalTraining training, IOptions<NodeAgentOptions> options, TimeProvider clock,
    ILogger<TaskPartConsumer> log)
    : IConsumer<RunTaskPart>
{
    public const string CohortStatistics = "builtin:cohort-statistics";
    private static readonly string[] Executors = [CohortStatistics, FederatedTraining.Algorithm];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<RunTaskPart> context)
    {
        var part = context.Message;
        var node = options.Value;
        var dataset = node.Datasets.FirstOrDefault(d => d.Id == part.Dataset);
        // Checked before the store: the visa check may fetch keys over HTTPS, which must not hold a commit batch.
        var refusal = part.Node != node.NodeName || dataset is null ? $"dataset {part.Dataset} is not held by node {node.NodeName}"
            : !Allowed(part.Algorithm, node.AllowedAlgorithms) ? $"node {node.NodeName}'s policy does not allow {part.Algorithm}"
            : !Executors.Contains(part.Algorithm) ? $"node {node.NodeName} has no executor for {part.Algorithm} yet"
            : await visas.Refusal(part.Visa, part.Owner, part.Dataset, context.CancellationToken);
        // Training reads pixels from the PACS: also before the store, for the same reason. Its result is deterministic,
        // so a redelivered command that computes it again releases the same thing (and the inbox releases it once).
        string? trained = null;
        if (refusal is null && part.Algorithm == FederatedTraining.Algorithm)
        {
            var (report, trainingRefusal) = await training.Run(part, dataset!, context.CancellationToken);
            (trained, refusal) = (report is null ? null : JsonSerializer.Serialize(report, FederatedTraining.Json), trainingRefusal);
        }

        await store.ApplyOnce("task-part", context.MessageId ?? throw new InvalidOperationException("RunTaskPart without a message id"), async (db, ct) =>
        {
            string state, reason;
            string? result = null;
            if (refusal is not null)
                (state, reason) = ("SYSTEM_ERROR", $"refused at node {node.NodeName}: {refusal}");
            else if (trained is not null)
                (state, reason, result) = ("COMPLETE", $"released round {part.Round}: a model update or an accuracy, over at least {node.SmallCellThreshold} studies", trained);
            else
            {
                var counts = await SubjectCounts.Count(db, dataset!, new SubjectFilter(), node.SmallCellThreshold, ct);
                result = JsonSerializer.Serialize(counts, Json);
                (state, reason) = ("COMPLETE", "released: aggregates only, small cells withheld");
            }
            var stamp = new EventStamp(new Actor($"node:{node.NodeName}", "node", "node-agent"), context.CorrelationId ?? Guid.NewGuid(), clock);
            db.Publish(stamp.Stamp(new TaskPartFinished
                {
                    TaskId = part.TaskId, Node = node.NodeName, Dataset = part.Dataset, Round = part.Round, State = state, Reason = reason, Result = result,
                },
                $"{part.TaskId}/{node.NodeName}/{part.Dataset}", Math.Max(part.Round, 1)));
            log.LogInformation("Task {Task} on {Dataset}: {State} ({Reason})", part.TaskId, part.Dataset, state, reason);
        });
    }

    private static bool Allowed(string algorithm, IReadOnlyList<string>? allowed) =>
        allowed is null ? algorithm.StartsWith("builtin:", StringComparison.Ordinal)
            : allowed.Contains(algorithm) || (algorithm.StartsWith("builtin:", StringComparison.Ordinal) && allowed.Contains("builtin:*"));
}
