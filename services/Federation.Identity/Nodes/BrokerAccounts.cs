using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Federation.ServiceDefaults.Messaging;

namespace Federation.Identity.Nodes;

/// <summary>A node's own user on the message broker, with permissions for its own queues only (see <see cref="NodeBrokerAccess"/>).</summary>
public interface IBrokerAccounts
{
    /// <summary>False when no broker management API is configured (the embedded, in-memory bus has no users).</summary>
    bool Enabled { get; }

    string VirtualHost { get; }

    /// <summary>Creates or replaces the node's user with this password and its permissions. Idempotent.</summary>
    Task Provision(string node, string password, CancellationToken cancellationToken);

    /// <summary>Deletes the node's user and closes its open connections. Idempotent.</summary>
    Task Remove(string node, CancellationToken cancellationToken);
}

/// <summary><c>Federation:Identity:Broker</c>: the RabbitMQ management API that node users are created through.</summary>
public sealed class BrokerSettings
{
    /// <summary>e.g. <c>http://admin:secret@rabbitmq:15672/</c>; unset: node credentials are for HTTPS only (embedded mode).</summary>
    public Uri? ManagementUrl { get; set; }

    public string VirtualHost { get; set; } = "/";
}

internal sealed class NoBrokerAccounts : IBrokerAccounts
{
    public bool Enabled => false;
    public string VirtualHost => "/";
    public Task Provision(string node, string password, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task Remove(string node, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>RabbitMQ's management HTTP API: <c>PUT /api/users/{user}</c>, <c>PUT /api/permissions/{vhost}/{user}</c>, <c>DELETE</c> both.</summary>
internal sealed class RabbitMqBrokerAccounts(HttpClient http, BrokerSettings settings) : IBrokerAccounts
{
    public bool Enabled => true;

    public string VirtualHost => settings.VirtualHost;

    public static void Configure(HttpClient http, BrokerSettings settings)
    {
        var url = settings.ManagementUrl!;
        http.BaseAddress = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        var user = Uri.UnescapeDataString(url.UserInfo.Split(':', 2)[0]);
        var password = url.UserInfo.Contains(':') ? Uri.UnescapeDataString(url.UserInfo.Split(':', 2)[1]) : "";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        http.Timeout = TimeSpan.FromSeconds(15);
    }

    public async Task Provision(string node, string password, CancellationToken cancellationToken)
    {
        var user = NodeBrokerAccess.UserOf(node);
        // No tags: a node's user cannot use the management UI or API.
        await Send(HttpMethod.Put, $"api/users/{Escape(user)}", new { password, tags = "" }, cancellationToken);
        var permissions = NodeBrokerAccess.For(node);
        await Send(HttpMethod.Put, $"api/permissions/{Escape(settings.VirtualHost)}/{Escape(user)}",
            new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read }, cancellationToken);
    }

    public async Task Remove(string node, CancellationToken cancellationToken)
    {
        var user = NodeBrokerAccess.UserOf(node);
        await Send(HttpMethod.Delete, $"api/users/{Escape(user)}", null, cancellationToken, missingIsFine: true);
        // Deleting a user does not end the connections it opened; its open connections are closed one by one.
        var connections = await http.GetFromJsonAsync<List<ConnectionRow>>("api/connections?columns=name,user", cancellationToken) ?? [];
        foreach (var connection in connections.Where(c => c.User == user))
            await Send(HttpMethod.Delete, $"api/connections/{Escape(connection.Name)}", null, cancellationToken, missingIsFine: true);
    }

    private sealed record ConnectionRow(string Name, string User);

    private async Task Send(HttpMethod method, string path, object? body, CancellationToken cancellationToken, bool missingIsFine = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode || (missingIsFine && response.StatusCode == HttpStatusCode.NotFound))
            return;
        throw new HttpRequestException($"The broker's management API answered {(int)response.StatusCode} to {method} {path}.", null, response.StatusCode);
    }

    // RabbitMQ's API wants every path segment escaped, the default virtual host "/" as %2F included.
    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
