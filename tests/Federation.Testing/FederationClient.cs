using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Federation.Testing;

/// <summary>What tests do through the public HTTP API of the access and audit roles.</summary>
public static class FederationClient
{
    /// <summary>Creates a draft; returns its id, or null when the request was not accepted (any non-201).</summary>
    public static async Task<Guid?> TryCreateDraft(this HttpClient access, string title, params string[] datasets)
    {
        try
        {
            using var response = await access.PostAsJsonAsync("/api/access-requests", new { title, datasetIds = datasets });
            if (response.StatusCode != HttpStatusCode.Created)
                return null;
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            return body!["id"]!.GetValue<Guid>();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null; // not accepted, as far as the caller can know
        }
    }

    public static async Task<Guid> CreateDraft(this HttpClient access, string title, params string[] datasets) =>
        await access.TryCreateDraft(title, datasets) ?? throw new InvalidOperationException("The draft was not accepted");

    public static async Task<JsonObject> Submit(this HttpClient access, Guid id)
    {
        using var response = await access.PostAsync($"/api/access-requests/{id}/submit", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The audit trail of one aggregate, as the audit role serves it.</summary>
    public static Task<IReadOnlyList<JsonObject>> AuditTrailOf(this HttpClient audit, Guid aggregateId) => audit.AuditTrailOf(aggregateId.ToString());

    /// <summary>The audit trail of one aggregate (a request id, a dataset id …), as the audit role serves it.</summary>
    public static async Task<IReadOnlyList<JsonObject>> AuditTrailOf(this HttpClient audit, string aggregateId)
    {
        var page = await audit.GetFromJsonAsync<JsonObject>($"/api/audit/events?aggregateId={Uri.EscapeDataString(aggregateId)}&limit=1000");
        return page!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    public static string Json(this JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
