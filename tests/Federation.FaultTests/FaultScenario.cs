using System.Diagnostics;
using Federation.Testing;
using Xunit.Abstractions;

namespace Federation.FaultTests;

/// <summary>
/// The stage of every fault test: a private broker and database, the access and audit roles in two
/// processes, and a stream of requests with its ledger. A test injects one fault, restores, and asks
/// for the count: every accepted request audited exactly once.
/// </summary>
public sealed class FaultScenario : IAsyncDisposable
{
    private readonly ITestOutputHelper output;
    private readonly Stopwatch sinceFault = new();
    private TimeSpan? recovery;

    private FaultScenario(ITestOutputHelper output, RabbitMqServer? broker, PostgresServer postgres, Dictionary<string, string> settings)
    {
        this.output = output;
        Broker = broker;
        Postgres = postgres;
        Settings = settings;
    }

    public RabbitMqServer? Broker { get; private set; }

    public PostgresServer Postgres { get; }

    public Dictionary<string, string> Settings { get; }

    public HostProcess Access { get; private set; } = null!;

    public HostProcess Audit { get; private set; } = null!;

    public LoadStream Stream { get; private set; } = null!;

    /// <summary>The demo auditor at the audit process.</summary>
    public HttpClient Auditor { get; private set; } = null!;

    public string AuditDatabase => Settings["ConnectionStrings__audit"];

    /// <param name="accessChanges">Extra settings for the access process only.</param>
    /// <param name="brokerPort">Point both roles at this port and start no broker (the test starts it later).</param>
    public static async Task<FaultScenario> Start(ITestOutputHelper output, IReadOnlyDictionary<string, string>? accessChanges = null, int? brokerPort = null)
    {
        var broker = brokerPort is null ? await RabbitMqServer.Start() : null;
        var postgres = await PostgresServer.Start();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = broker?.Url ?? $"amqp://guest:guest@127.0.0.1:{brokerPort}/",
            ["ConnectionStrings__access"] = postgres.ForDatabase("access"),
            ["ConnectionStrings__audit"] = postgres.ForDatabase("audit"),
            ["ConnectionStrings__identity"] = postgres.ForDatabase("identity"),
            // Short redelivery delays so that a message failing during the fault comes back within the test.
            ["Federation__Messaging__RedeliveryDelays__0"] = "00:00:01",
            ["Federation__Messaging__RedeliveryDelays__1"] = "00:00:03",
            ["Federation__Messaging__RedeliveryDelays__2"] = "00:00:10",
        };
        var scenario = new FaultScenario(output, broker, postgres, settings);
        var ready = brokerPort is null;
        // Identity runs in the access process (its keys in PostgreSQL survive the access process's kills);
        // the audit process validates tokens with keys fetched from there.
        scenario.Access = await HostProcess.Start("access,identity", settings.WithIdentity().With(accessChanges), waitReady: ready);
        scenario.Audit = await HostProcess.Start("audit", settings.TrustingIdentityAt(scenario.Access), waitReady: ready);
        scenario.Auditor = await scenario.Audit.SignIn("auditor", identity: scenario.Access);
        scenario.Stream = new LoadStream(await scenario.Access.SignIn("researcher"));
        return scenario;
    }

    /// <summary>Adopts a broker the test started itself (the broker-absent-at-start-up case).</summary>
    public void Adopt(RabbitMqServer broker) => Broker = broker;

    /// <summary>Marks the moment the fault is injected.</summary>
    public void FaultNow() => sinceFault.Restart();

    /// <summary>
    /// After the fault is repaired: waits until everything accepted so far is audited, and records
    /// the time from the fault to that moment (recovery: fault to backlog drained).
    /// </summary>
    public async Task Recovered()
    {
        var snapshot = Stream.Accepted.ToList();
        await UntilAudited(snapshot);
        recovery = sinceFault.Elapsed;
    }

    /// <summary>Stops the stream, waits until every accepted request is audited (or the deadline passes) and counts.</summary>
    public async Task<DeliveryCount> StopAndCount(string fault)
    {
        await Stream.Stop();
        Dictionary<string, int> recorded;
        try
        {
            recorded = await UntilAudited(Stream.Accepted);
        }
        catch (TimeoutException)
        {
            recorded = await AuditLedger.CountByAggregate(AuditDatabase, ":AccessRequestDrafted");
        }
        var count = DeliveryCount.Of(Stream.Sent, Stream.Accepted, recorded, recovery ?? sinceFault.Elapsed);
        output.WriteLine($"[fault] {fault}: {count}");
        Console.WriteLine($"[fault] {fault}: {count}");
        return count;
    }

    public Task<Dictionary<string, int>> UntilAudited(IReadOnlyCollection<Guid> accepted) =>
        Eventually.Until(
            () => AuditLedger.CountByAggregate(AuditDatabase, ":AccessRequestDrafted"),
            counts => accepted.All(id => counts.ContainsKey(id.ToString())),
            TimeSpan.FromSeconds(120),
            $"{accepted.Count} accepted requests to be audited");

    public string Diagnostics() => $"--- access:\n{Access.Output}\n--- audit:\n{Audit.Output}";

    public async ValueTask DisposeAsync()
    {
        await Stream.Stop();
        await Access.DisposeAsync();
        await Audit.DisposeAsync();
        if (Broker is not null)
            await Broker.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

internal static class SettingsExtensions
{
    public static Dictionary<string, string> With(this Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? changes)
    {
        foreach (var (key, value) in changes ?? new Dictionary<string, string>())
            settings[key] = value;
        return settings;
    }
}
