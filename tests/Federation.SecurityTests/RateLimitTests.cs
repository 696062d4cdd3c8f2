using System.Net;
using System.Net.Http.Json;
using Federation.Testing;
using Xunit;

namespace Federation.SecurityTests;

/// <summary>Token requests are throttled per client address, writes per caller; both answer 429 ProblemDetails and write nothing.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;

    public async Task InitializeAsync() => federation = await InProcessFederation.Start("all",
        "--Federation:Security:TokenRequestsPerMinute=8", "--Federation:Security:WritesPerSecond=1");

    public async Task DisposeAsync() => await federation.DisposeAsync();

    [Fact]
    public async Task Token_requests_beyond_the_limit_get_429()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await federation.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "demo-partner", ["client_secret"] = "wrong", ["scope"] = "events",
            }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(8));
        Assert.All(statuses.Skip(8), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact]
    public async Task Writes_beyond_the_burst_get_429_and_are_not_written()
    {
        // Sign-in happens before the burst: it counts against the token limit, not the write limit.
        using var researcher = await federation.SignIn("researcher");
        var created = 0;
        var limited = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await researcher.PostAsJsonAsync("/api/access-requests", new { title = $"Burst {i}", datasetIds = new[] { "ds-1" } });
            if (response.StatusCode == HttpStatusCode.Created)
                created++;
            else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                limited++;
        }
        var mine = await researcher.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/access-requests?limit=200");

        Assert.InRange(created, 2, 12); // a burst of twice the rate (2), plus one per second the loop took
        Assert.Equal(20, created + limited);
        Assert.Equal(created, mine!["items"]!.AsArray().Count);
    }
}
