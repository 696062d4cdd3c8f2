using Federation.Testing;
using Xunit;

namespace Federation.IntegrationTests;

/// <summary>How the one executable starts: embedded by default, and refusing bad configuration clearly.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task With_no_configuration_it_runs_every_role_embedded_and_is_ready()
    {
        await using var host = await HostProcess.Start("all", new Dictionary<string, string>());

        var report = await host.Client.GetStringAsync("/health/ready");

        Assert.Contains("\"status\":\"Healthy\"", report);
        Assert.Contains("Sqlite", report);
        Assert.True(File.Exists(Path.Combine(host.DataDirectory, "access.db")));
    }

    [Theory]
    [InlineData("Federation__Roles", "access,acess", "Unknown role(s) in Federation:Roles / --roles: acess")]
    [InlineData("ConnectionStrings__rabbitmq", "localhost:5672", "ConnectionStrings:rabbitmq must be an AMQP URI")]
    [InlineData("ConnectionStrings__access", "Host=127.0.0.1;Bogus Key=1", "ConnectionStrings:access is not a valid PostgreSQL connection string")]
    [InlineData("Federation__MaxRequestBodyBytes", "-1", "Federation:MaxRequestBodyBytes must be a positive number")]
    [InlineData("Federation__MaxRequestBodyBytes", "lots", "Invalid configuration")]
    [InlineData("Federation__Security__ClockSkew", "00:01:00", "Federation:Security:ClockSkew must be between 00:00:00 and 00:00:30")]
    [InlineData("Federation__Security__Authority", "http://identity.example.org/", "Federation:Security:Authority must use https unless it is a loopback address")]
    [InlineData("Federation__Identity__Issuer", "http://identity.example.org/", "Federation:Identity:Issuer must use https unless it is a loopback address")]
    [InlineData("Federation__Identity__AccessTokenLifetime", "1.00:00:00", "Federation:Identity:AccessTokenLifetime must be positive and at most one hour")]
    public async Task Bad_configuration_stops_start_up_with_one_clear_line(string key, string value, string expected)
    {
        var (exitCode, output) = await HostProcess.RunToExit(new Dictionary<string, string> { [key] = value });

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task Roles_without_identity_must_be_told_whom_to_trust()
    {
        var (exitCode, output) = await HostProcess.RunToExit(new Dictionary<string, string>(), "--roles", "access,audit");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("federation: Federation:Security:Authority must name the identity role's URL", output.Trim());
    }

    [Fact]
    public async Task A_node_agent_alone_serves_only_health_and_needs_no_authority()
    {
        // No Federation:Security:Authority: a role set that serves no API validates no token.
        await using var node = await HostProcess.Start("node-agent", new Dictionary<string, string>());

        using var live = await node.Client.GetAsync("/health/live");
        using var openApi = await node.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, openApi.StatusCode);
    }

    [Fact]
    public async Task A_node_agent_that_holds_results_for_its_operator_serves_that_api_and_must_be_told_whom_to_trust()
    {
        var (exitCode, output) = await HostProcess.RunToExit(new Dictionary<string, string> { ["Federation__NodeAgent__ManualRelease__0"] = "*" },
            "--roles", "node-agent");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("federation: Federation:Security:Authority must name the identity role's URL", output.Trim());
    }

    [Fact]
    public async Task An_unknown_role_on_the_command_line_is_refused()
    {
        var (exitCode, output) = await HostProcess.RunToExit(new Dictionary<string, string>(), "--roles", "audit,portal-x");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("federation: Unknown role(s)", output.Trim());
    }
}
