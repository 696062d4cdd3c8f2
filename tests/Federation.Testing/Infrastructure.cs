using Xunit;

namespace Federation.Testing;

/// <summary>
/// One private broker and one PostgreSQL cluster for a test collection. Each test takes its own
/// virtual host and its own databases, so tests never see each other's messages or rows.
/// </summary>
public class Infrastructure : IAsyncLifetime
{
    /// <summary>Whether the broker runs its management API (needed where node users are created).</summary>
    protected virtual bool BrokerManagement => false;

    public RabbitMqServer Broker { get; private set; } = null!;

    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var broker = RabbitMqServer.Start(BrokerManagement);
        var postgres = PostgresServer.Start();
        Broker = await broker;
        Postgres = await postgres;
    }

    public async Task DisposeAsync()
    {
        if (Broker is not null)
            await Broker.DisposeAsync();
        if (Postgres is not null)
            await Postgres.DisposeAsync();
    }

    /// <summary>Settings for a host process: a fresh vhost and a database per service, named after <paramref name="test"/>.</summary>
    public async Task<Dictionary<string, string>> SettingsFor(string test, params string[] services)
    {
        var suffix = $"{test}_{Guid.NewGuid():N}"[..Math.Min(40, test.Length + 33)].ToLowerInvariant();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = await Broker.CreateVirtualHost(suffix),
        };
        foreach (var service in services)
            settings[$"ConnectionStrings__{service}"] = Postgres.ForDatabase($"{service}_{suffix}");
        return settings;
    }
}

/// <summary>The same with the broker's management API, through which the identity role creates each node's broker user.</summary>
public sealed class ManagedInfrastructure : Infrastructure
{
    protected override bool BrokerManagement => true;
}
