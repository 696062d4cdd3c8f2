using Federation.Testing;

namespace Federation.NodeAgent.Tests;

/// <summary>How these tests arrange hospitals: each node agent in its own in-process host beside the central one.</summary>
internal static class NodeHosts
{
    /// <summary>A node host's settings: the central host's broker, its own node-agent and identity databases.</summary>
    public static Dictionary<string, string> OwnStores(this Infrastructure infrastructure, IReadOnlyDictionary<string, string> central, string node) =>
        new(central)
        {
            ["ConnectionStrings__node-agent"] = infrastructure.Postgres.ForDatabase($"node_{node}_{Guid.NewGuid():N}"),
            ["ConnectionStrings__identity"] = infrastructure.Postgres.ForDatabase($"identity_{node}_{Guid.NewGuid():N}"),
        };

    /// <summary>Starts <paramref name="roles"/> with <paramref name="settings"/>, its node agent beside <paramref name="orthanc"/> publishing one dataset.</summary>
    public static Task<InProcessFederation> Start(string roles, IReadOnlyDictionary<string, string> settings,
        string node, string holder, Uri orthanc, string datasetId, string collection, string title) =>
        InProcessFederation.Start(roles,
        [
            .. settings.AsArguments(),
            $"--Federation:NodeAgent:Node={node}",
            $"--Federation:NodeAgent:DataHolder={holder}",
            $"--Federation:NodeAgent:OrthancUrl={orthanc}",
            "--Federation:NodeAgent:PollInterval=00:00:00.200",
            // Small pages: reconciliation walks Orthanc's listing (/instances?since&limit) across page boundaries.
            "--Federation:NodeAgent:ReconcilePageSize=5",
            $"--Federation:NodeAgent:Datasets:0:Id={datasetId}",
            $"--Federation:NodeAgent:Datasets:0:Collection={collection}",
            $"--Federation:NodeAgent:Datasets:0:Title={title}",
        ]);
}
