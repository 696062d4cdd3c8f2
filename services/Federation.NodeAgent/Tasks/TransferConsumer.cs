using System.Net.Http.Headers;
using System.Text.Json;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.NodeAgent.Airlock;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Tasks;

/// <summary>
/// Copies a dataset to the central node for a task the router placed there, dialling out: each image (subjects who
/// withdrew consent left out) is PUT to the upload URL with the transfer's capability. The node decides for itself
/// first: the dataset is its own and not federated-only (its data never leaves), the upload goes to the central node
/// it trusts (the origin of <see cref="NodeAgentOptions.VisaKeysUrl"/>) and nowhere else, and the visa holds. It then
/// reports what it sent (<see cref="TaskPartFinished"/>, round 0), so the central node can tell whether all arrived.
/// A redelivered command uploads again (files are replaced, not doubled) and reports once.
/// </summary>
public sealed class TransferConsumer(
    GroupCommit<NodeAgentDbContext> store, IDbContextFactory<NodeAgentDbContext> databases, IImageContent images, VisaVerifier visas,
    HttpClient http, IOptions<NodeAgentOptions> options, TimeProvider clock, ILogger<TransferConsumer> log)
    : IConsumer<TransferDataset>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<TransferDataset> context)
    {
        var command = context.Message;
        var node = options.Value;
        var dataset = node.Datasets.FirstOrDefault(d => d.Id == command.Dataset);
        var refusal = Refusal(command, dataset) ?? await visas.Refusal(command.Visa, command.Owner, command.Dataset, context.CancellationToken);
        string state, reason;
        string? result = null;
        if (refusal is not null)
            (state, reason) = ("SYSTEM_ERROR", $"refused at node {node.NodeName}: {refusal}");
        else
        {
            var (files, bytes, failure) = await Upload(command, dataset!, context.CancellationToken);
            (state, reason) = failure is null
                ? ("COMPLETE", $"sent {files} image(s), {bytes} bytes, to the central node")
                : ("SYSTEM_ERROR", $"node {node.NodeName} could not send {command.Dataset}: {failure}");
            result = JsonSerializer.Serialize(new { files, bytes }, Json);
        }
        await store.ApplyOnce("transfer", context.MessageId ?? throw new InvalidOperationException("TransferDataset without a message id"), (db, _) =>
        {
            var stamp = new EventStamp(new Actor($"node:{node.NodeName}", "node", "node-agent"), context.CorrelationId ?? Guid.NewGuid(), clock);
            Releases.Finish(db, stamp, command.TaskId, node.NodeName, command.Dataset, 0, state, reason, result, new(command.Owner, "transfer", command.Visa));
            log.LogInformation("Transfer of {Dataset} for task {Task}: {State} ({Reason})", command.Dataset, command.TaskId, state, reason);
            return Task.CompletedTask;
        });
    }

    private string? Refusal(TransferDataset command, DatasetSettings? dataset)
    {
        var node = options.Value;
        if (command.Node != node.NodeName || dataset is null)
            return $"dataset {command.Dataset} is not held by node {node.NodeName}";
        if (dataset.AccessModel == "federated")
            return $"dataset {dataset.Id} is federated-only: its data never leaves node {node.NodeName}";
        if (!Uri.TryCreate(command.UploadUrl, UriKind.Absolute, out var upload) || node.VisaKeysUrl is not { } central
            || Uri.Compare(upload, central, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            return $"the upload address is not on the central node this node trusts ({node.VisaKeysUrl?.GetLeftPart(UriPartial.Authority) ?? "none configured"})";
        return null;
    }

    private async Task<(int Files, long Bytes, string? Failure)> Upload(TransferDataset command, DatasetSettings dataset, CancellationToken cancellationToken)
    {
        List<string> ids;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            ids = await DatasetImages.Ids(db, dataset, cancellationToken);
        var (files, bytes) = (0, 0L);
        foreach (var id in ids)
        {
            if (await images.File(id, cancellationToken) is not { } file)
                continue; // deleted since it was indexed
            using var content = new ByteArrayContent(file.Content);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{command.UploadUrl.TrimEnd('/')}/files/{DatasetImages.FileNameOf(id, file.Extension)}") { Content = content };
            request.Headers.Add(TransferDataset.TokenHeader, command.UploadToken);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return (files, bytes, $"the central node answered {(int)response.StatusCode} for an image");
            (files, bytes) = (files + 1, bytes + file.Content.LongLength);
        }
        return (files, bytes, null);
    }
}
