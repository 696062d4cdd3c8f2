using Federation.NodeAgent.Airlock;
using Federation.NodeAgent.Audit;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Heartbeat;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Indexing;
using Federation.NodeAgent.Publishing;
using Federation.NodeAgent.Tasks;
using Federation.NodeAgent.Training;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent;

/// <summary>
/// The node agent role: beside a hospital's PACS (Orthanc), it indexes the images into its own database
/// and publishes the datasets' descriptions. It dials out only (the bus, the visa keys); the one thing it serves is its operator's side of the airlock, inside the hospital.
/// Unconfigured (no <c>Federation:NodeAgent:Node</c>), it runs the embedded demo node on a synthetic cohort.
/// </summary>
public sealed class NodeAgentModule : IFederationModule
{
    public const string Name = "node-agent";

    public string Role => Name;

    // The one thing a node serves is its operator's side of the airlock, and only when its policy holds results for release.
    public bool ServesApi(IConfiguration configuration) =>
        configuration.GetSection($"{NodeAgentOptions.Section}:{nameof(NodeAgentOptions.ManualRelease)}").GetChildren().Any();

    // Set by AddServices, read by AddConsumers (the host calls them in that order): the node's own queue name.
    private string node = DemoFederation.Node;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<NodeAgentDbContext>(Name);
        var settings = builder.Configuration.GetSection(NodeAgentOptions.Section).Get<NodeAgentOptions>() ?? new NodeAgentOptions();
        Validate(settings);
        if (settings.IsDemo)
            settings = Demo.Node(FederationHost.OwnUrl(builder.Configuration));
        builder.Services.AddSingleton(Options.Create(settings));
        node = settings.NodeName;
        if (settings.OrthancUrl is { } orthanc)
            builder.Services.AddHttpClient<IImageSource, OrthancImageSource>(http =>
            {
                http.BaseAddress = orthanc;
                http.Timeout = TimeSpan.FromSeconds(30);
            });
        else
            builder.Services.AddSingleton<IImageSource>(settings.Synthetic.IsSet ? settings.Synthetic.Source(settings) : Demo.Cohort(settings.NodeName));
        // Algorithms read pixels and tags through the same source the indexer reads descriptions from.
        builder.Services.AddTransient(sp => (IImageContent)sp.GetRequiredService<IImageSource>());
        builder.Services.AddSingleton<LocalTraining>();
        builder.Services.AddTransient<ProcessPart>();
        builder.Services.AddHttpClient<TransferConsumer>(http => http.Timeout = TimeSpan.FromMinutes(5));
        builder.Services.AddHostedService<Indexer>();
        builder.Services.AddHostedService<HeartbeatSender>();
        builder.Services.AddHttpClient<VisaVerifier>(http => http.Timeout = TimeSpan.FromSeconds(15));
        builder.AddNodeAudit();
        // The bus endpoint (where answers to this node's own requests would arrive) is named after the node: its
        // broker user may declare and read only the node's own queues (see NodeBrokerAccess).
        builder.Configuration[$"{MessagingOptions.Section}:{nameof(MessagingOptions.BusEndpointPrefix)}"] = NodeBrokerAccess.BusEndpointPrefix(node);
    }

    // Each node its own queue (node-agent-<node>-consent-withdrawn): nodes never compete for one another's messages.
    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Queue names are NodeBrokerAccess's: the node's broker user may touch exactly those.
        bus.AddInboxConsumer<ConsentWithdrawnConsumer, NodeAgentDbContext>(Name, $"{node}-{NodeBrokerAccess.Endpoints.ConsentWithdrawn}");
        // Queries change nothing: no inbox, no retries (an answer after the deadline is worthless).
        bus.AddConsumer<CountQueryConsumer>().Endpoint(e => e.Name = NodeBrokerAccess.QueueOf(node, NodeBrokerAccess.Endpoints.CountQuery));
        // Task parts are sent to this node alone: its queue is bound to no message type.
        bus.AddInboxConsumer<TaskPartConsumer, NodeAgentDbContext>(Name, $"{node}-{NodeBrokerAccess.Endpoints.Tasks}", bindMessageTypes: false);
        bus.AddInboxConsumer<TransferConsumer, NodeAgentDbContext>(Name, $"{node}-{NodeBrokerAccess.Endpoints.Tasks}", bindMessageTypes: false);
    }

    // The only inbound door, and only inside the hospital: the operator's side of the airlock (see ServesApi).
    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapReleaseApi();

    private static void Validate(NodeAgentOptions settings)
    {
        if (settings.IsDemo)
            return;
        var problems = new List<string>();
        if (settings.Datasets.Count == 0)
            problems.Add("at least one dataset (Federation:NodeAgent:Datasets:0:Id, :Collection, :Title)");
        foreach (var dataset in settings.Datasets.Where(d => string.IsNullOrWhiteSpace(d.Id) || string.IsNullOrWhiteSpace(d.Collection) || string.IsNullOrWhiteSpace(d.Title)))
            problems.Add($"dataset '{dataset.Id}' needs an Id, a Collection and a Title");
        if (settings.Datasets.Select(d => d.Id).Distinct().Count() != settings.Datasets.Count)
            problems.Add("dataset ids must be unique");
        if (settings.SmallCellThreshold < 1)
            problems.Add("SmallCellThreshold must be at least 1");
        if (settings.HeartbeatInterval <= TimeSpan.Zero)
            problems.Add("HeartbeatInterval must be positive");
        if (problems.Count > 0)
            throw new StartupConfigurationException($"The node agent of node '{settings.Node}' is not configured: {string.Join("; ", problems)}.");
    }

    /// <summary>The embedded demo node: two collections of a synthetic cohort, no Orthanc needed.</summary>
    private static class Demo
    {
        public static NodeAgentOptions Node(Uri self) => new()
        {
            Node = null,
            // The embedded federation's own access role issues the visas this node checks.
            VisaKeysUrl = new Uri(self, "api/entitlements/visa-keys"),
            DataHolder = DemoFederation.DataHolder,
            Country = DemoFederation.Country,
            Institution = DemoFederation.Institution,
            Datasets =
            [
                new DatasetSettings { Id = "demo-lung-ct", Collection = "LUNG-CT", Title = "Lung CT screening (synthetic)", CancerType = "C34", CancerTypeLabel = "Bronchus and lung" },
                new DatasetSettings { Id = "demo-breast-mg", Collection = "BREAST-MG", Title = "Breast mammography (synthetic)", CancerType = "C50", CancerTypeLabel = "Breast" },
            ],
        };

        public static SyntheticImageSource Cohort(string node) =>
            SyntheticImageSource.Cohort(node, seed: 7, ("LUNG-CT", "CT", "CHEST", 40), ("BREAST-MG", "MG", "BREAST", 30));
    }
}
