using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.AccessRequests.Data;
using Federation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.AccessRequests.Tests;

/// <summary>The access API on the embedded store, through real HTTP.</summary>
public sealed class AccessRequestsApiTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;

    /// <summary>The demo researcher, signed in through the login page.</summary>
    private HttpClient Api = null!;

    public async Task InitializeAsync()
    {
        federation = await InProcessFederation.Start("access");
        Api = await federation.SignIn("researcher");
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await federation.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_token_every_route_answers_401_problem_and_writes_nothing()
    {
        using var create = await federation.Client.PostAsJsonAsync("/api/access-requests", new { title = "Anonymous", datasetIds = new[] { "ds-1" } });
        using var list = await federation.Client.GetAsync("/api/access-requests");

        await ProblemOf(create, HttpStatusCode.Unauthorized, "urn:federation:problem:unauthorized");
        await ProblemOf(list, HttpStatusCode.Unauthorized, "urn:federation:problem:unauthorized");
        Assert.Equal(0, await EventRows());
    }

    [Fact]
    public async Task Another_researcher_neither_sees_nor_submits_my_request()
    {
        var mine = await Api.CreateDraft("Mine", "ds-1");
        using var other = await federation.SignIn("researcher2");

        using var read = await other.GetAsync($"/api/access-requests/{mine}");
        using var submit = await other.PostAsync($"/api/access-requests/{mine}/submit", null);
        var theirs = await other.GetFromJsonAsync<JsonObject>("/api/access-requests");

        await ProblemOf(read, HttpStatusCode.NotFound, "urn:federation:problem:not-found");
        await ProblemOf(submit, HttpStatusCode.NotFound, "urn:federation:problem:not-found");
        Assert.Empty(theirs!["items"]!.AsArray());
        Assert.Equal(1, await EventRows());
    }

    [Fact]
    public async Task An_auditor_may_not_file_requests()
    {
        using var auditor = await federation.SignIn("auditor");

        using var response = await auditor.PostAsJsonAsync("/api/access-requests", new { title = "Not mine to file", datasetIds = new[] { "ds-1" } });

        await ProblemOf(response, HttpStatusCode.Forbidden, "urn:federation:problem:forbidden");
        Assert.Equal(0, await EventRows());
    }

    [Fact]
    public async Task Creating_a_draft_answers_201_with_its_location_and_records_one_event()
    {
        using var response = await Api.PostAsJsonAsync("/api/access-requests", new { title = "Prostate MR", datasetIds = new[] { "ds-1" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"/api/access-requests/{body["id"]}", response.Headers.Location!.ToString());
        Assert.Equal(("draft", 1), (body["state"]!.GetValue<string>(), body["version"]!.GetValue<int>()));
        Assert.True(response.Headers.Contains("X-Correlation-Id"));
    }

    [Fact]
    public async Task Submitting_twice_answers_409_naming_the_state_and_what_is_allowed()
    {
        var id = await Api.CreateDraft("Prostate MR", "ds-1");
        await Api.Submit(id);

        using var response = await Api.PostAsync($"/api/access-requests/{id}/submit", null);

        var problem = await ProblemOf(response, HttpStatusCode.Conflict, "urn:federation:problem:invalid-transition");
        Assert.Equal("submitted", problem["state"]!.GetValue<string>());
        Assert.Equal(["withdraw", "comment"], problem["allowed"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(2, await EventRows());
    }

    [Fact]
    public async Task An_unknown_request_answers_404_problem()
    {
        using var response = await Api.PostAsync($"/api/access-requests/{Guid.NewGuid()}/submit", null);
        await ProblemOf(response, HttpStatusCode.NotFound, "urn:federation:problem:not-found");
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"datasetIds":["ds-1"]}""", "title" },
        { """{"title":"  ","datasetIds":["ds-1"]}""", "title" },
        { """{"title":"x","datasetIds":[]}""", "datasetIds" },
        { """{"title":"x"}""", "datasetIds" },
        { """{"title":"x","datasetIds":["ds-1","ds-1"]}""", "datasetIds" },
        { """{"title":"x","datasetIds":[""]}""", "datasetIds" },
        { """{"title":"x","datasetIds":[null]}""", "datasetIds" },
        { $$"""{"title":"{{new string('t', 301)}}","datasetIds":["ds-1"]}""", "title" },
        { """{"title":"a\u0000b","datasetIds":["ds-1"]}""", "title" },
        { $$"""{"title":"x","datasetIds":["ds-1"],"purpose":"{{new string('p', 4001)}}"}""", "purpose" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_draft_is_a_validation_problem_and_writes_nothing(string json, string field)
    {
        using var response = await Post(json);

        var problem = await ProblemOf(response, HttpStatusCode.BadRequest, "urn:federation:problem:validation");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Equal((0, 0), (await RequestRows(), await EventRows()));
    }

    [Theory]
    [InlineData("{\"title\":")]
    [InlineData("not json")]
    [InlineData("{\"title\":5,\"datasetIds\":[\"ds-1\"]}")]
    [InlineData("{\"title\":\"x\",\"datasetIds\":[\"ds-1\"],\"unknown\":true}")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task A_malformed_body_is_a_400_problem_and_writes_nothing(string json)
    {
        using var response = await Post(json);

        await ProblemOf(response, HttpStatusCode.BadRequest, "urn:federation:problem:malformed-request");
        Assert.Equal((0, 0), (await RequestRows(), await EventRows()));
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem_and_writes_nothing()
    {
        using var response = await Post($$"""{"title":"{{new string('x', 300_000)}}","datasetIds":["ds-1"]}""");

        await ProblemOf(response, HttpStatusCode.RequestEntityTooLarge, "urn:federation:problem:body-too-large");
        Assert.Equal((0, 0), (await RequestRows(), await EventRows()));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var response = await Api.PostAsync("/api/access-requests", new StringContent("title=x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private Task<HttpResponseMessage> Post(string json) =>
        Api.PostAsync("/api/access-requests", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonObject> ProblemOf(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(type, problem["type"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", problem.ToJsonString()); // never a stack trace
        return problem;
    }

    private async Task<int> RequestRows()
    {
        await using var db = await federation.Services.GetRequiredService<IDbContextFactory<AccessDbContext>>().CreateDbContextAsync();
        return await db.AccessRequests.CountAsync();
    }

    /// <summary>State changes ever committed (each published exactly one event): the sum of the requests' versions.</summary>
    private async Task<int> EventRows()
    {
        await using var db = await federation.Services.GetRequiredService<IDbContextFactory<AccessDbContext>>().CreateDbContextAsync();
        return (int)await db.AccessRequests.SumAsync(r => r.Version);
    }
}
