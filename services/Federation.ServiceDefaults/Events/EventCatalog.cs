using Federation.Contracts;
using MassTransit;

namespace Federation.ServiceDefaults.Events;

/// <summary>Every concrete event type in the contracts, and its wire identity.</summary>
public static class EventCatalog
{
    public static IReadOnlyList<Type> All { get; } = typeof(IFederationEvent).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFederationEvent).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The message URN, e.g. <c>urn:message:Federation.Contracts.Access:AccessRequestSubmitted</c>.</summary>
    public static string Urn(Type type) => MessageUrn.ForTypeString(type);
}
