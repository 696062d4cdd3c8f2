using Federation.Contracts.Discovery;
using Federation.Discovery.Data;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Discovery.Search;

/// <summary>What a caller may see of search results, after Beacon v2's granularities.</summary>
public enum Granularity
{
    /// <summary>Anonymous callers: whether matching subjects exist.</summary>
    Boolean,

    /// <summary>Signed-in callers: how many, small cells withheld.</summary>
    Count,

    /// <summary>Callers entitled to the dataset: its distributions too.</summary>
    Aggregated,
}

public sealed record DatasetResult(string DatasetId, string Node, bool Exists, int? Subjects, string Granularity, IReadOnlyList<CountBucket>? Sex, IReadOnlyList<CountBucket>? AgeAtStudy);

public sealed record NodeReport(IReadOnlyList<string> Asked, IReadOnlyList<string> Answered, IReadOnlyList<string> NotAnswering);

/// <summary>
/// A merged federated answer. <see cref="Subjects"/> sums the counts the caller may see; when some dataset's
/// count was withheld as a small cell, <see cref="SubjectsIsLowerBound"/> says the true total is higher.
/// </summary>
public sealed record SearchResult(
    Guid QueryId, string Granularity, bool Exists, int? Subjects, bool SubjectsIsLowerBound, int SmallCellThreshold, IReadOnlyList<DatasetResult> Datasets, NodeReport Nodes, bool Partial);

/// <summary>
/// Sends a count query to every node that has published datasets, waits for their answers until the
/// deadline, and merges them, graded by what the caller may see. Every number comes from a node's own
/// index; nothing subject-level reaches this role. Every search is recorded (<see cref="FederatedSearchPerformed"/>)
/// before its answer is returned: who asked what, and how much they saw, is part of the audit trail.
/// </summary>
public sealed class FederatedSearch(
    DiscoveryDbContext db, GroupCommit<DiscoveryDbContext> store, EventStamp stamp, IBus bus, IReceiveEndpointConnector connector,
    PendingQueries pending, IOptions<SearchOptions> options, TimeProvider clock)
{
    public const int SmallCellThreshold = 5;

    /// <param name="api">Which interface asked (<c>search</c> or <c>beacon</c>), for the record.</param>
    public async Task<SearchResult> Search(SubjectFilter filter, Granularity granted, string? subject, string api, CancellationToken cancellationToken)
    {
        var nodes = (await db.Catalogue.AsNoTracking().Where(c => !c.Retired).Select(c => c.Node).Distinct().ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        var queryId = Guid.NewGuid();
        var deadline = options.Value.SearchDeadline;
        await pending.Listen(connector, cancellationToken);
        using var expected = pending.Expect(queryId, nodes.ToHashSet(StringComparer.Ordinal));
        await bus.Publish(new CountQuery { QueryId = queryId, Filter = filter, Deadline = clock.GetUtcNow() + deadline }, context => context.RequestId = queryId,
            cancellationToken);
        var answers = await pending.Answers(queryId, deadline, clock, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var entitled = subject is null
            ? []
            : await db.Entitlements.ActiveDatasets(subject, now, cancellationToken);
        var datasets = answers.SelectMany(a => a.Datasets.Select(d => (a.Node, d)))
            .OrderBy(x => x.d.DatasetId, StringComparer.Ordinal)
            .Select(x => Grade(x.Node, x.d, granted, entitled.Contains(x.d.DatasetId)))
            .ToList();
        var answered = answers.Select(a => a.Node).Order(StringComparer.Ordinal).ToList();
        var missing = nodes.Except(answered).ToList();
        var visible = granted == Granularity.Boolean ? null : (int?)datasets.Sum(d => d.Subjects ?? 0);
        await Record(queryId, api, filter, granted, datasets, nodes, answered);
        return new SearchResult(
            queryId,
            Wire(granted),
            datasets.Any(d => d.Exists),
            visible,
            granted != Granularity.Boolean && datasets.Any(d => d.Exists && d.Subjects is null),
            SmallCellThreshold,
            datasets,
            new NodeReport(nodes, answered, missing),
            missing.Count > 0);
    }

    /// <summary>The search's audit record, committed (through the outbox) before the answer leaves: no answer without its record.</summary>
    private Task Record(Guid queryId, string api, SubjectFilter filter, Granularity granted, List<DatasetResult> datasets, List<string> asked, List<string> answered) =>
        store.Write((db, _) =>
        {
            db.Publish(stamp.Stamp(new FederatedSearchPerformed
            {
                QueryId = queryId,
                Api = api,
                Filter = filter,
                Granularity = Wire(granted),
                DatasetsAggregated = datasets.Where(d => d.Sex is not null).Select(d => d.DatasetId).ToList(),
                NodesAsked = asked,
                NodesAnswered = answered,
            }, queryId.ToString(), 1));
            return Task.FromResult(0);
        });

    private static DatasetResult Grade(string node, DatasetCount count, Granularity granted, bool entitled)
    {
        var level = granted == Granularity.Boolean ? Granularity.Boolean : entitled ? Granularity.Aggregated : Granularity.Count;
        return level switch
        {
            Granularity.Boolean => new DatasetResult(count.DatasetId, node, count.Exists, null, Wire(level), null, null),
            Granularity.Count => new DatasetResult(count.DatasetId, node, count.Exists, count.Subjects, Wire(level), null, null),
            _ => new DatasetResult(count.DatasetId, node, count.Exists, count.Subjects, Wire(level), count.Sex, count.AgeAtStudy),
        };
    }

    private static string Wire(Granularity granularity) => granularity.ToString().ToLowerInvariant();
}
