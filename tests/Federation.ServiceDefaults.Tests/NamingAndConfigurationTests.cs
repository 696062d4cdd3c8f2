using Microsoft.Extensions.Configuration;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

public sealed class NamingAndConfigurationTests
{
    private sealed class FakeModule(string role) : IFederationModule
    {
        public string Role => role;
        public void AddServices(IHostApplicationBuilder builder) { }
        public void AddConsumers(IBusRegistrationConfigurator bus) { }
        public void MapEndpoints(IEndpointRouteBuilder app) { }
    }

    private sealed class AccessRequestSubmittedConsumer;

    private sealed class AuditTrailConsumer<T>;

    private static readonly IReadOnlyList<RoleDefinition> Catalog =
        new[] { "access", "audit", "node-agent" }.Select(role => new RoleDefinition(role, () => new FakeModule(role))).ToList();

    [Theory]
    [InlineData(typeof(AccessRequestSubmittedConsumer), "access-request-submitted")]
    [InlineData(typeof(AuditTrailConsumer<int>), "audit-trail")]
    public void Queue_names_are_the_consumer_name_in_kebab_case(Type consumer, string expected) =>
        Assert.Equal(expected, EndpointNames.Describe(consumer));

    [Theory]
    [InlineData("Host=db;Username=u", 100, true)]
    [InlineData("Host=db;Username=u;Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("Host=db;Username=u;MaxAutoPrepare=7;NoResetOnClose=false", 7, false)]
    public void PostgreSQL_statements_are_prepared_and_sessions_not_reset_unless_the_operator_says_otherwise(string configured, int prepared, bool noReset)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:audit"] = configured }).Build();

        var (_, connectionString, _) = Federation.ServiceDefaults.Persistence.PersistenceExtensions.Resolve(configuration, "audit");

        var parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal(prepared, parsed.MaxAutoPrepare);
        Assert.Equal(noReset, parsed.NoResetOnClose);
        Assert.Equal("audit", parsed.Database);
    }

    [Fact]
    public void Queue_names_are_prefixed_with_the_service() =>
        Assert.Equal("audit-trail", EndpointNames.For("audit", "Trail"));

    [Theory]
    [InlineData(null, "access,audit,node-agent")]
    [InlineData("all", "access,audit,node-agent")]
    [InlineData(" audit , access ", "access,audit")]
    [InlineData("AUDIT,audit", "audit")]
    public void Roles_are_selected_in_catalog_order(string? roles, string expected) =>
        Assert.Equal(expected, string.Join(',', RoleSelection.Select(roles, Catalog).Select(m => m.Role)));

    [Fact]
    public void An_unknown_role_stops_start_up_with_the_known_ones_listed()
    {
        var problem = Assert.Throws<StartupConfigurationException>(() => RoleSelection.Select("access,acess", Catalog));
        Assert.Contains("acess", problem.Message);
        Assert.Contains("all, access, audit, node-agent", problem.Message);
    }

    [Fact]
    public void A_broker_uri_gives_host_port_vhost_and_credentials()
    {
        var broker = MessagingExtensions.ParseBroker("amqp://fed:s%40cret@mq.example:5673/research")!;
        Assert.Equal(("mq.example", (ushort)5673, "research", "fed", "s@cret", false),
            (broker.Host, broker.Port, broker.VirtualHost, broker.Username, broker.Password, broker.UseTls));
        Assert.Equal((ushort)5671, MessagingExtensions.ParseBroker("amqps://mq.example")!.Port);
        Assert.Null(MessagingExtensions.ParseBroker(""));
    }

    [Theory]
    [InlineData("localhost:5672")]
    [InlineData("http://mq.example")]
    public void A_broker_setting_that_is_not_an_amqp_uri_stops_start_up(string value) =>
        Assert.Throws<StartupConfigurationException>(() => MessagingExtensions.ParseBroker(value));
}
