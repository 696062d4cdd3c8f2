namespace Federation.Testing;

/// <summary>A private RabbitMQ broker on a free loopback port (scripts/rabbitmq.sh), killable and restartable.</summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private RabbitMqServer(IReadOnlyDictionary<string, string> values) => Apply(values);

    public string Directory { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>amqp://guest:guest@127.0.0.1:PORT/ — for ConnectionStrings:rabbitmq.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The management API (http://guest:guest@127.0.0.1:PORT/), when started with it.</summary>
    public Uri? ManagementUrl { get; private set; }

    /// <param name="management">With the management plugin (its HTTP API creates node users): a few seconds more to start.</param>
    public static async Task<RabbitMqServer> Start(bool management = false) =>
        new(await (management ? InfraScript.Run("rabbitmq.sh", "start", "--management") : InfraScript.Run("rabbitmq.sh", "start")));

    /// <summary>A broker on a given port (a client was pointed at it before it existed).</summary>
    public static async Task<RabbitMqServer> StartOn(int port) =>
        new(await InfraScript.Run("rabbitmq.sh", "start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A fresh virtual host; returns its AMQP URL, so that tests sharing the broker never share a queue.</summary>
    public async Task<string> CreateVirtualHost(string name)
    {
        await InfraScript.Run("rabbitmq.sh", "vhost", Directory, name);
        return $"{Url.TrimEnd('/')}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>SIGKILL, as a crashing broker would die.</summary>
    public Task Kill() => InfraScript.Run("rabbitmq.sh", "kill", Directory);

    /// <summary>Starts the broker again on the same port with the same durable state.</summary>
    public async Task Restart() => Apply(await InfraScript.Run("rabbitmq.sh", "start", "--dir", Directory));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await InfraScript.Run("rabbitmq.sh", "stop", Directory);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to clean.
        }
    }

    private void Apply(IReadOnlyDictionary<string, string> values)
    {
        Directory = values["RABBITMQ_DIR"];
        Port = int.Parse(values["RABBITMQ_PORT"]);
        Url = values["RABBITMQ_URL"];
        ManagementUrl = values.TryGetValue("RABBITMQ_MANAGEMENT_PORT", out var management) ? new Uri($"http://guest:guest@127.0.0.1:{management}/") : null;
    }
}
