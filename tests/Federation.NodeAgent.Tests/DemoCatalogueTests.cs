using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.NodeAgent.Tests;

/// <summary>The embedded default: a demo node agent on a synthetic cohort feeds the catalogue, no Orthanc needed.</summary>
public sealed class DemoCatalogueTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;
    private HttpClient researcher = null!;

    public async Task InitializeAsync()
    {
        federation = await InProcessFederation.Start("discovery,node-agent");
        researcher = await federation.SignIn("researcher");
    }

    public async Task DisposeAsync()
    {
        researcher.Dispose();
        await federation.DisposeAsync();
    }

    [Fact]
    public async Task The_demo_node_publishes_its_two_collections_with_counts_from_its_index()
    {
        var page = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 2,
            TimeSpan.FromSeconds(60), "the demo node's datasets to reach the catalogue");
        var lung = page!["items"]!.AsArray().Select(i => i!["dataset"]!).Single(d => d["datasetId"]!.GetValue<string>() == "demo-lung-ct");

        Assert.Equal((40, 80, 80, 320L), (lung["subjects"]!.GetValue<int>(), lung["studies"]!.GetValue<int>() * 2, lung["series"]!.GetValue<int>(),
            lung["instances"]!.GetValue<long>()));
        Assert.Equal(["CT"], lung["modalities"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(("node-demo", "hospital-a", "C34"), (lung["node"]!.GetValue<string>(), lung["dataHolder"]!.GetValue<string>(), lung["cancerType"]!.GetValue<string>()));
        Assert.Equal(40, lung["sex"]!.AsArray().Sum(b => b!["count"]?.GetValue<int>() ?? 0));
        Assert.All(lung["ageAtStudy"]!.AsArray().Concat(lung["sex"]!.AsArray()), b => Assert.True(b!["count"] is null || b["count"]!.GetValue<int>() >= 5));

        var ct = await researcher.GetFromJsonAsync<JsonObject>("/api/datasets?modality=ct");
        Assert.Equal(["demo-lung-ct"], ct!["items"]!.AsArray().Select(i => i!["dataset"]!["datasetId"]!.GetValue<string>()));
        var text = await researcher.GetFromJsonAsync<JsonObject>("/api/datasets?q=MAMMOGRAPHY&minSubjects=30&maxSubjects=30");
        Assert.Equal(["demo-breast-mg"], text!["items"]!.AsArray().Select(i => i!["dataset"]!["datasetId"]!.GetValue<string>()));
        var one = await researcher.GetFromJsonAsync<JsonObject>("/api/datasets/demo-breast-mg");
        Assert.Equal(1, one!["version"]!.GetValue<long>());
        using var unknown = await researcher.GetAsync("/api/datasets/nope");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        using var bad = await researcher.GetAsync("/api/datasets?limit=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
