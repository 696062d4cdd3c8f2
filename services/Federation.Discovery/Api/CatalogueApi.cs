using Federation.Contracts.Discovery;
using Federation.Discovery.Catalogue;
using Federation.Discovery.Data;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.Discovery.Api;

/// <summary>Browsing the catalogue: every signed-in role with the discovery scope sees the same dataset descriptions.</summary>
public static class CatalogueApi
{
    private static readonly string[] Readers =
    [
        FederationRoles.Researcher, FederationRoles.DacMember, FederationRoles.NodeOperator, FederationRoles.PlatformAdmin,
        FederationRoles.Auditor, FederationRoles.Partner,
    ];

    public static IEndpointRouteBuilder MapCatalogueApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Catalogue");
        api.MapGet("/", Browse).WithName("BrowseDatasets")
            .WithSummary("Browse and filter the catalogue (free text, modality, cancer type, body part, node, holder, subject and size ranges), paged")
            .RequireScope(FederationScopes.Discovery, Readers);
        api.MapGet("/{datasetId}", Get).WithName("GetDataset").WithSummary("One dataset's description")
            .RequireScope(FederationScopes.Discovery, Readers);
        return app;
    }

    public sealed record CataloguePage(IReadOnlyList<CatalogueItem> Items, int Total, int Offset, int Limit);

    public sealed record CatalogueItem(long Version, DatasetDescription Dataset);

    private static async Task<Results<Ok<CataloguePage>, ValidationProblem>> Browse(
        [AsParameters] CatalogueFilter filter, DiscoveryDbContext db, CancellationToken cancellationToken)
    {
        var errors = filter.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The catalogue filter is not valid");

        var query = db.Catalogue.AsNoTracking().Where(c => !c.Retired);
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var text = filter.Q.Trim().ToLowerInvariant();
            query = query.Where(c => c.Title.ToLower().Contains(text) || (c.Description != null && c.Description.ToLower().Contains(text)));
        }
        if (filter.Modality is { } modality)
            query = query.Where(c => c.Modalities.Contains("," + modality.ToUpperInvariant() + ","));
        if (filter.BodyPart is { } bodyPart)
            query = query.Where(c => c.BodyParts.Contains("," + bodyPart.ToUpperInvariant() + ","));
        if (filter.CancerType is { } cancerType)
            query = query.Where(c => c.CancerType == cancerType);
        if (filter.Node is { } node)
            query = query.Where(c => c.Node == node);
        if (filter.Holder is { } holder)
            query = query.Where(c => c.DataHolder == holder);
        if (filter.MinSubjects is { } minSubjects)
            query = query.Where(c => c.Subjects >= minSubjects);
        if (filter.MaxSubjects is { } maxSubjects)
            query = query.Where(c => c.Subjects <= maxSubjects);
        if (filter.MinSizeBytes is { } minSize)
            query = query.Where(c => c.SizeBytes >= minSize);
        if (filter.MaxSizeBytes is { } maxSize)
            query = query.Where(c => c.SizeBytes <= maxSize);

        var offset = filter.Offset ?? 0;
        var limit = filter.Limit ?? 50;
        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(c => c.Title).ThenBy(c => c.DatasetId).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(new CataloguePage(page.Select(c => new CatalogueItem(c.Version, c.Dataset)).ToList(), total, offset, limit));
    }

    private static async Task<Results<Ok<CatalogueItem>, ProblemHttpResult>> Get(string datasetId, DiscoveryDbContext db, CancellationToken cancellationToken)
    {
        var entry = await db.Catalogue.AsNoTracking().FirstOrDefaultAsync(c => c.DatasetId == datasetId && !c.Retired, cancellationToken);
        return entry is null
            ? TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Dataset not found",
                detail: $"No dataset '{(datasetId.Length > 40 ? datasetId[..40] + "…" : datasetId)}' is in the catalogue.")
            : TypedResults.Ok(new CatalogueItem(entry.Version, entry.Dataset));
    }
}

/// <summary>The catalogue's query string (a number that does not parse is refused with a 400 problem before this).</summary>
public sealed record CatalogueFilter(
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "modality")] string? Modality,
    [property: FromQuery(Name = "bodyPart")] string? BodyPart,
    [property: FromQuery(Name = "cancerType")] string? CancerType,
    [property: FromQuery(Name = "node")] string? Node,
    [property: FromQuery(Name = "holder")] string? Holder,
    [property: FromQuery(Name = "minSubjects")] int? MinSubjects,
    [property: FromQuery(Name = "maxSubjects")] int? MaxSubjects,
    [property: FromQuery(Name = "minSizeBytes")] long? MinSizeBytes,
    [property: FromQuery(Name = "maxSizeBytes")] long? MaxSizeBytes,
    [property: FromQuery(Name = "offset")] int? Offset,
    [property: FromQuery(Name = "limit")] int? Limit)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Q is { Length: > 200 })
            errors["q"] = ["At most 200 characters."];
        foreach (var (key, value) in new[] { ("modality", Modality), ("bodyPart", BodyPart), ("cancerType", CancerType), ("node", Node), ("holder", Holder) })
            if (value is { Length: > 100 } || value?.Contains(',') == true)
                errors[key] = ["At most 100 characters, no commas."];
        if (Offset is < 0)
            errors["offset"] = ["Zero or more."];
        if (Limit is < 1 or > 200)
            errors["limit"] = ["1 to 200."];
        if (MinSubjects is < 0 || MaxSubjects is < 0 || MinSizeBytes is < 0 || MaxSizeBytes is < 0)
            errors["range"] = ["Ranges are zero or more."];
        return errors;
    }
}
