using System.Security.Claims;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.ServiceDefaults.Http;

/// <summary>Builds the <see cref="EventStamp"/> of an HTTP request: its caller and its correlation id.</summary>
public static class EventStamps
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static EventStamp FromHttpContext(IServiceProvider services)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var http = services.GetRequiredService<IHttpContextAccessor>().HttpContext;
        if (http is null)
            return new EventStamp(Actor.System, Guid.NewGuid(), clock);

        var correlation = Guid.TryParse(http.Request.Headers[CorrelationHeader], out var given) ? given : Guid.NewGuid();
        http.Response.Headers[CorrelationHeader] = correlation.ToString();
        return new EventStamp(ActorOf(http.User), correlation, clock);
    }

    public static Actor ActorOf(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
            return Actor.Anonymous;
        var subject = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        var client = user.FindFirstValue("client_id") ?? user.FindFirstValue("azp");
        var role = user.FindFirstValue("role") ?? user.FindFirstValue(ClaimTypes.Role);
        // A client-credentials token names the client as its subject: that caller is a client, not a person.
        return subject is not null && subject != client
            ? new Actor(subject, "user", role, client)
            : new Actor(subject ?? client ?? "unknown-client", "client", role, client);
    }
}
