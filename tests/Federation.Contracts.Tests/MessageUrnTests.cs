using Federation.Contracts;
using MassTransit;
using Xunit;

namespace Federation.Contracts.Tests;

public sealed class MessageUrnTests
{
    private static readonly IReadOnlyList<Type> Messages = typeof(IFederationEvent).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace!.StartsWith("Federation.Contracts.", StringComparison.Ordinal))
        .ToList();

    [Fact]
    public void The_message_urns_are_exactly_the_pinned_list()
    {
        var pinned = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "message-urns.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Order(StringComparer.Ordinal);

        var actual = Messages.Select(MessageUrn.ForTypeString).Order(StringComparer.Ordinal);

        Assert.Equal(pinned, actual);
    }

    [Fact]
    public void Every_event_is_a_sealed_record_with_the_envelope()
    {
        foreach (var type in Messages.Where(typeof(IFederationEvent).IsAssignableFrom))
        {
            Assert.True(typeof(FederationEvent).IsAssignableFrom(type), $"{type.FullName} must derive from FederationEvent");
            Assert.True(type.IsSealed, $"{type.FullName} must be sealed: a derived event would be published to its base's exchange too");
            Assert.NotNull(type.GetMethod("<Clone>$"));
        }
    }

    [Fact]
    public void Contracts_hold_only_records_with_init_only_properties()
    {
        foreach (var property in Messages.SelectMany(t => t.GetProperties()).Where(p => p.DeclaringType != typeof(object)))
        {
            var setter = property.SetMethod;
            Assert.True(setter is null || setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"),
                $"{property.DeclaringType!.Name}.{property.Name} must be init-only");
        }
    }

    [Fact]
    public void Envelope_types_stay_out_of_the_broker_topology()
    {
        Assert.True(Attribute.IsDefined(typeof(IFederationEvent), typeof(ExcludeFromTopologyAttribute)));
        Assert.True(Attribute.IsDefined(typeof(FederationEvent), typeof(ExcludeFromTopologyAttribute)));
    }
}
