using System.Security.Claims;
using Federation.Contracts.Discovery;
using Federation.Discovery.Search;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Federation.Discovery.Api;

/// <summary>
/// Federated search, open to anyone: the answer's granularity follows the caller's rights (Beacon v2):
/// anonymous → whether subjects exist; signed in with the discovery scope → counts, small cells withheld;
/// entitled to a dataset → its distributions too. Also in Beacon v2's request and response shape.
/// </summary>
public static class SearchApi
{
    public sealed record SearchBody(string? Modality, string? BodyPart, string? CancerType, string? Sex, int? MinAge, int? MaxAge, IReadOnlyList<string?>? DatasetIds)
    {
        public Dictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            foreach (var (key, value) in new[] { ("modality", Modality), ("bodyPart", BodyPart), ("cancerType", CancerType) })
                if (value is not null && (value.Length is 0 or > 64 || value.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')))
                    errors[key] = ["1 to 64 letters, digits, '-' or '_'."];
            if (Sex is not (null or "F" or "M" or "O"))
                errors["sex"] = ["F, M or O."];
            if (MinAge is < 0 or > 150 || MaxAge is < 0 or > 150 || MinAge > MaxAge)
                errors["age"] = ["Ages 0 to 150, minimum not above maximum."];
            if (DatasetIds is { Count: > 100 } || DatasetIds?.Any(d => string.IsNullOrWhiteSpace(d) || d.Length > 200) == true)
                errors["datasetIds"] = ["At most 100 dataset ids of 1 to 200 characters."];
            return errors;
        }

        public SubjectFilter ToFilter() => new(Modality, BodyPart, CancerType, Sex, MinAge, MaxAge, DatasetIds?.Select(d => d!).ToList());
    }

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/search", Search).WithTags("Search").WithName("FederatedSearch")
            .WithSummary("Count subjects across every node (anonymous: exists; signed in: counts; entitled: distributions), naming nodes that did not answer")
            .AllowAnonymous().LimitedAsWrite();
        app.MapPost("/api/beacon/individuals", Beacon).WithTags("Search").WithName("BeaconIndividuals")
            .WithSummary("The same query in Beacon v2's request and response shape (filters such as modality:CT, bodyPart:CHEST, sex:F)")
            .AllowAnonymous().LimitedAsWrite();
        return app;
    }

    private static Granularity GrantedTo(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.HasScope(FederationScopes.Discovery) ? Granularity.Aggregated : Granularity.Boolean;

    private static async Task<Results<Ok<SearchResult>, ValidationProblem>> Search(SearchBody body, ClaimsPrincipal user, FederatedSearch search, CancellationToken cancellationToken)
    {
        var errors = body.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The search is not valid");
        // Aggregated is only a ceiling here: each dataset is graded down to counts unless the caller is entitled to it.
        var granted = GrantedTo(user);
        var result = await search.Search(body.ToFilter(), granted == Granularity.Boolean ? Granularity.Boolean : Granularity.Count,
            user.FindFirst(FederationClaims.Subject)?.Value, "search", cancellationToken);
        return TypedResults.Ok(result);
    }

    public sealed record BeaconFilter(string? Id);

    public sealed record BeaconQuery(IReadOnlyList<BeaconFilter?>? Filters);

    public sealed record BeaconRequestBody(BeaconQuery? Query);

    private static async Task<Results<Ok<object>, ValidationProblem>> Beacon(BeaconRequestBody body, ClaimsPrincipal user, FederatedSearch search, CancellationToken cancellationToken)
    {
        var terms = (body.Query?.Filters ?? []).Select(f => f?.Id?.Split(':', 2)).ToList();
        var filter = new SearchBody(null, null, null, null, null, null, null);
        var errors = new Dictionary<string, string[]>();
        foreach (var term in terms)
        {
            filter = term switch
            {
                ["modality", var v] => filter with { Modality = v },
                ["bodyPart", var v] => filter with { BodyPart = v },
                ["cancerType", var v] => filter with { CancerType = v },
                ["sex", var v] => filter with { Sex = v },
                ["minAge", var v] when int.TryParse(v, out var a) => filter with { MinAge = a },
                ["maxAge", var v] when int.TryParse(v, out var a) => filter with { MaxAge = a },
                _ => filter,
            };
            if (term is not [("modality" or "bodyPart" or "cancerType" or "sex" or "minAge" or "maxAge"), _])
                errors["query.filters"] = ["Filters are modality:X, bodyPart:X, cancerType:X, sex:F|M|O, minAge:N, maxAge:N."];
        }
        foreach (var (key, value) in filter.Validate())
            errors[key] = value;
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The Beacon query is not valid");

        var granted = GrantedTo(user) == Granularity.Boolean ? Granularity.Boolean : Granularity.Count;
        var result = await search.Search(filter.ToFilter(), granted, user.FindFirst(FederationClaims.Subject)?.Value, "beacon", cancellationToken);
        var returned = granted == Granularity.Boolean ? "boolean" : "count";
        object response = new
        {
            meta = new { beaconId = "org.federation.beacon", apiVersion = "v2.0.0", returnedGranularity = returned },
            responseSummary = returned == "boolean"
                ? (object)new { exists = result.Exists }
                : new { exists = result.Exists, numTotalResults = result.Subjects ?? 0 },
            response = new
            {
                resultSets = result.Datasets.Select(d => returned == "boolean"
                    ? (object)new { id = d.DatasetId, setType = "dataset", exists = d.Exists }
                    : new { id = d.DatasetId, setType = "dataset", exists = d.Exists, resultsCount = d.Subjects ?? 0, countAdjustedTo = d.Subjects is null && d.Exists ? new[] { $"fewer than {result.SmallCellThreshold}" } : null }),
            },
            info = new { queryId = result.QueryId, nodesNotAnswering = result.Nodes.NotAnswering },
        };
        return TypedResults.Ok(response);
    }
}
