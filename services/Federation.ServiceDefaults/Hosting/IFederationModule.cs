using Microsoft.Extensions.Configuration;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.ServiceDefaults.Hosting;

/// <summary>
/// One role of the federation (access, audit, …) as a library module. The host composes the active
/// modules; a module never assumes which other roles run in the same process.
/// </summary>
public interface IFederationModule
{
    /// <summary>The role name: also the service name in queue names and in <c>ConnectionStrings:&lt;role&gt;</c>.</summary>
    string Role { get; }

    /// <summary>Registers the module's services, database and background work.</summary>
    void AddServices(IHostApplicationBuilder builder);

    /// <summary>What this role listens to: one consumer per line.</summary>
    void AddConsumers(IBusRegistrationConfigurator bus);

    /// <summary>
    /// Whether the role, so configured, serves an HTTP API. A process whose roles serve none (a node agent without a
    /// manual airlock) starts without the API plumbing (OpenAPI, token validation, rate limits, ProblemDetails): only
    /// the health endpoints listen. Asked before <see cref="AddServices"/>, hence from the configuration.
    /// </summary>
    bool ServesApi(IConfiguration configuration) => true;

    /// <summary>The module's HTTP routes.</summary>
    void MapEndpoints(IEndpointRouteBuilder app);
}
