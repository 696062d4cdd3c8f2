using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Federation.Audit.Consumers;
using Federation.Audit.Data;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>The audit role beside the access role in one embedded process (in-memory bus, SQLite).</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;

    private HttpClient researcher = null!;
    private HttpClient auditor = null!;

    public async Task InitializeAsync()
    {
        federation = await InProcessFederation.Start("access,audit");
        researcher = await federation.SignIn("researcher");
        auditor = await federation.SignIn("auditor");
    }

    public async Task DisposeAsync() => await federation.DisposeAsync();

    [Fact]
    public void Every_event_type_in_the_contracts_has_an_audit_consumer()
    {
        var audited = federation.Services.GetServices<IConsumerRegistration>()
            .Select(r => r.Type)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(AuditTrailConsumer<>))
            .Select(t => t.GetGenericArguments()[0])
            .ToHashSet();

        Assert.NotEmpty(EventCatalog.All);
        Assert.All(EventCatalog.All, e => Assert.Contains(e, audited));
    }

    [Fact]
    public async Task A_request_is_audited_under_the_trace_and_correlation_of_the_http_call_that_caused_it()
    {
        var consumerTraces = new ConcurrentBag<ActivityTraceId>();
        var seen = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                seen.Enqueue($"{a.Source.Name} {a.Kind} {a.DisplayName} {a.TraceId} parent={a.ParentId}");
                if (a.Kind == ActivityKind.Consumer)
                    consumerTraces.Add(a.TraceId);
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Federation.Tests");
        using var root = source.StartActivity("researcher files a request")!;
        var trace = root.TraceId;
        var correlation = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/access-requests")
        {
            Content = JsonContent.Create(new { title = "Traced request", datasetIds = new[] { "ds-t" } }),
        };
        request.Headers.Add("X-Correlation-Id", correlation.ToString());

        using var response = await researcher.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<Guid>();
        var trail = await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count == 1, TimeSpan.FromSeconds(20), "the audit entry");

        Assert.Equal(correlation, trail[0]["correlationId"]!.GetValue<Guid>());
        try
        {
            await Eventually.Until(() => Task.FromResult(consumerTraces.Contains(trace)), TimeSpan.FromSeconds(10),
                "the audit consumer's span to carry the HTTP request's trace id");
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"trace {trace} not found among:\n{string.Join('\n', seen)}");
        }
    }

    [Fact]
    public async Task An_event_delivered_again_is_recorded_once()
    {
        var id = await researcher.CreateDraft("Recorded once", "ds-1");
        await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count == 1, TimeSpan.FromSeconds(20), "the first entry");
        var first = await auditor.AuditTrailOf(id);
        var evt = System.Text.Json.JsonSerializer.Deserialize<Federation.Contracts.Access.AccessRequestDrafted>(
            first[0]["event"]!.ToJsonString(), System.Text.Json.JsonSerializerOptions.Web)!;

        // The same event again, as a broker redelivery would bring it, then a later event as a marker.
        var bus = federation.Services.GetRequiredService<IBus>();
        await bus.Publish(evt, ctx => ctx.MessageId = evt.EventId);
        await researcher.Submit(id);

        await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count >= 2, TimeSpan.FromSeconds(20), "the submit entry");
        await using var db = await federation.Services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Entries.CountAsync(e => e.EventId == evt.EventId));
        Assert.Equal(1, await db.InboxMessages.CountAsync(m => m.MessageId == evt.EventId));
    }

    [Theory]
    [InlineData("/api/audit/verify?from=0")]
    [InlineData("/api/audit/verify?from=5&to=4")]
    [InlineData("/api/audit/verify?to=-1")]
    [InlineData("/api/audit/verify?from=1&to=100001")]
    [InlineData("/api/audit/verify?from=abc")]
    [InlineData("/api/audit/verify?from=9223372036854775807&to=9223372036854775807")]
    [InlineData("/api/audit/checkpoints?limit=0")]
    [InlineData("/api/audit/checkpoints?after=-1")]
    public async Task Bad_parameters_are_refused_with_problem_details(string url)
    {
        using var response = await auditor.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_chain_verifies_and_its_public_key_is_published_anonymously()
    {
        var id = await researcher.CreateDraft("Chained", "ds-c");
        var entry = (await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count == 1, TimeSpan.FromSeconds(20), "the entry"))[0];
        Assert.Matches("^[0-9a-f]{64}$", entry["hash"]!.GetValue<string>());

        var report = (await auditor.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/audit/verify"))!;
        Assert.True(report["verified"]!.GetValue<bool>(), report.ToJsonString());
        Assert.True(report["entries"]!.GetValue<long>() >= entry["sequence"]!.GetValue<long>());
        Assert.Null(report["firstBroken"]);

        var jwks = (await federation.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/audit/keys"))!;
        var key = Assert.Single(jwks["keys"]!.AsArray())!;
        Assert.Equal(("EC", "P-256", "ES256"), (key["kty"]!.GetValue<string>(), key["crv"]!.GetValue<string>(), key["alg"]!.GetValue<string>()));
        Assert.Null(key["d"]);
    }
}
