using System.Collections;
using System.Reflection;
using Federation.Audit.Chain;
using Federation.Audit.Data;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>
/// Every message type in the contracts is either recorded by the audit role or named in <see cref="AuditScope.NotAudited"/>
/// with a reason; and every recorded type really arrives: one event of each, published on RabbitMQ, lands in the chain on
/// PostgreSQL with its context, and the chain verifies.
/// </summary>
public sealed class AuditCompletenessTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static readonly IReadOnlyList<Type> ContractTypes = typeof(IFederationEvent).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace!.StartsWith("Federation.Contracts.", StringComparison.Ordinal))
        .ToList();

    /// <summary>
    /// Messages are the contract types no other contract type holds as a property (records such as <c>DatasetCheck</c> or
    /// <c>RoutingPlacement</c> are parts of messages, recorded with them).
    /// </summary>
    private static IReadOnlyList<Type> Messages()
    {
        var parts = ContractTypes.SelectMany(t => t.GetProperties()).SelectMany(p => Unwrap(p.PropertyType)).ToHashSet();
        return ContractTypes.Where(t => !parts.Contains(t)).ToList();
    }

    [Fact]
    public void Every_message_type_in_the_contracts_is_audited_or_named_as_not_audited_with_a_reason()
    {
        var messages = Messages();
        Assert.Contains(typeof(Federation.Contracts.Compute.RunTaskPart), messages); // the classification finds commands too

        var unaccounted = messages.Where(m => !AuditScope.Audited.Contains(m) && !AuditScope.NotAudited.ContainsKey(m)).Select(m => m.FullName).ToList();
        Assert.True(unaccounted.Count == 0,
            $"Not audited and not named in AuditScope.NotAudited: {string.Join(", ", unaccounted)}. Make it an event (FederationEvent), or say why it is not recorded.");
        // Events are always recorded; the list of exceptions names only messages that exist and are not events.
        Assert.All(AuditScope.NotAudited, n =>
        {
            Assert.Contains(n.Key, messages);
            Assert.False(typeof(IFederationEvent).IsAssignableFrom(n.Key), $"{n.Key.Name} is an event: events are always audited");
            Assert.False(string.IsNullOrWhiteSpace(n.Value));
        });
        Assert.All(ContractTypes.Where(typeof(IFederationEvent).IsAssignableFrom), e => Assert.Contains(e, AuditScope.Audited));
    }

    [Fact]
    public async Task One_event_of_every_type_published_on_rabbitmq_is_recorded_on_postgres_with_its_context_and_the_chain_verifies()
    {
        var settings = await infrastructure.SettingsFor("audit_complete", "audit");
        // The audit role alone (no identity role, whose consumers would act on these made-up events); its API is not called here.
        settings["Federation__Security__Authority"] = "http://127.0.0.1:9/";
        await using var audit = await InProcessFederation.StartExactly("audit", _ => { }, settings.AsArguments());
        var marker = Guid.NewGuid().ToString("N")[..8];
        var correlation = Guid.NewGuid();

        var bus = audit.Services.GetRequiredService<IBus>();
        var published = new Dictionary<Guid, Type>();
        foreach (var type in AuditScope.Audited)
        {
            var evt = (FederationEvent)Sample(type, marker)!;
            Set(evt, nameof(FederationEvent.EventId), Guid.NewGuid());
            Set(evt, nameof(FederationEvent.OccurredAt), DateTimeOffset.UtcNow);
            Set(evt, nameof(FederationEvent.AggregateId), $"{marker}-{type.Name}");
            Set(evt, nameof(FederationEvent.AggregateVersion), 1L);
            Set(evt, nameof(FederationEvent.Actor), new Actor("completeness-test", "system", Client: "test-client"));
            Set(evt, nameof(FederationEvent.CorrelationId), correlation);
            published[evt.EventId] = type;
            await bus.Publish(evt, type, context => context.MessageId = evt.EventId);
        }

        var factory = audit.Services.GetRequiredService<IDbContextFactory<AuditDbContext>>();
        var recorded = await Eventually.Until(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.Entries.AsNoTracking().Where(e => e.CorrelationId == correlation).ToListAsync();
        }, r => r.Count == published.Count, Deadline, $"one entry for each of the {published.Count} event types");

        Assert.Equal(published.Keys.Order(), recorded.Select(e => e.EventId).Order());
        Assert.All(recorded, e =>
        {
            Assert.Equal(EventCatalog.Urn(published[e.EventId]), e.EventType);
            Assert.Equal(EntryHash.CurrentFormat, e.Format);
            Assert.Equal("test-client", e.ActorClient);
            Assert.False(string.IsNullOrEmpty(e.Service), $"{e.EventType}: service");
            Assert.False(string.IsNullOrEmpty(e.Outcome), $"{e.EventType}: outcome");
        });

        await using (var db = await factory.CreateDbContextAsync())
        {
            var chain = await db.Entries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
            var verifier = new ChainVerifier(1, EntryHash.Genesis);
            verifier.Feed(chain);
            verifier.End(chain[^1].Sequence);
            Assert.Null(verifier.FirstBroken);
        }
    }

    /// <summary>A value of <paramref name="type"/> with every required member set and optional ones left empty.</summary>
    private static object? Sample(Type type, string marker)
    {
        if (type == typeof(string))
            return $"{marker}-text";
        if (type == typeof(Guid))
            return Guid.NewGuid();
        if (type == typeof(bool))
            return true;
        if (type == typeof(int) || type == typeof(long) || type == typeof(double))
            return Convert.ChangeType(1, type);
        if (type == typeof(DateTimeOffset))
            return DateTimeOffset.UtcNow;
        if (type == typeof(DateOnly))
            return DateOnly.FromDateTime(DateTime.UtcNow);
        if (type == typeof(TimeSpan))
            return TimeSpan.FromDays(1);
        if (Nullable.GetUnderlyingType(type) is not null)
            return null;
        if (type.IsEnum)
            return Enum.GetValues(type).GetValue(0);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)))
            return Array.CreateInstance(type.GetGenericArguments()[0], 0);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()));
        var nullability = new NullabilityInfoContext();
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters()
            .Select(p => nullability.Create(p).WriteState == NullabilityState.Nullable ? null : Sample(p.ParameterType, marker)).ToArray();
        var value = constructor.Invoke(arguments);
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is not null
                     && p.DeclaringType != typeof(FederationEvent)))
            property.SetValue(value, Sample(property.PropertyType, marker));
        return value;
    }

    private static void Set(object target, string property, object value) => typeof(FederationEvent).GetProperty(property)!.SetValue(target, value);

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsGenericType)
            return type.GetGenericArguments().SelectMany(Unwrap);
        return type.IsArray ? Unwrap(type.GetElementType()!) : [type];
    }
}
