using Federation.Testing;
using Npgsql;
using Xunit;

namespace Federation.IntegrationTests;

/// <summary>
/// An event published before any queue is bound for it (its consumer's role not deployed yet) must not
/// vanish: the relay publishes as mandatory, the broker returns it, and the outbox keeps it until a
/// consumer exists.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class UnroutedEventTests(Infrastructure infrastructure)
{
    [Fact]
    public async Task An_event_nobody_subscribes_to_yet_waits_in_the_outbox_and_arrives_when_the_consumer_starts()
    {
        var settings = await infrastructure.SettingsFor("unrouted", "access", "audit", "identity");
        await using var access = await HostProcess.Start("access,identity", settings.WithIdentity());
        using var researcher = await access.SignIn("researcher");

        var id = await researcher.CreateDraft("Before audit exists", "ds-early");
        await Eventually.Until(() => OutboxAttempts(settings["ConnectionStrings__access"]), attempts => attempts >= 1, TimeSpan.FromSeconds(20),
            "the relay to have been refused by the broker at least once");

        await using var audit = await HostProcess.Start("audit", settings.TrustingIdentityAt(access));
        using var auditor = await audit.SignIn("auditor", identity: access);
        var trail = await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count == 1, TimeSpan.FromSeconds(60),
            "the early event to reach the audit role once it runs");

        Assert.EndsWith(":AccessRequestDrafted", trail[0]["eventType"]!.GetValue<string>());
        await Eventually.Until(async () => await OutboxAttempts(settings["ConnectionStrings__access"]) == 0, TimeSpan.FromSeconds(20), "the outbox to empty");
    }

    /// <summary>Failed relay attempts summed over the outbox (0 when empty).</summary>
    private static async Task<long> OutboxAttempts(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(attempts), 0) FROM outbox_messages", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
