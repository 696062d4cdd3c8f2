namespace Federation.ServiceDefaults.Messaging;

/// <summary><c>Federation:Messaging</c>: consumer concurrency, retries and redeliveries.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Federation:Messaging";

    /// <summary>
    /// Messages the broker hands each consumer ahead of acknowledgement. High because inbox group
    /// commit needs many messages in flight to batch them (MassTransit's default of 16 on 2 cores
    /// caps a durable consumer far below the broker).
    /// </summary>
    public int PrefetchCount { get; set; } = 200;

    /// <summary>
    /// RabbitMQ queue type of every consumer queue: "quorum" (replicated, the default and the choice for
    /// a RabbitMQ cluster) or "classic" (single node: lower confirm latency, no replication).
    /// </summary>
    public string QueueType { get; set; } = "quorum";

    /// <summary>
    /// Name prefix of this process's bus endpoint (the temporary queue request clients receive responses on).
    /// Central processes keep the default; a node agent uses its own queue prefix (see <see cref="NodeBrokerAccess"/>).
    /// </summary>
    public string BusEndpointPrefix { get; set; } = "federation-bus";

    /// <summary>
    /// Run once to declare the selected roles' queues, exchanges and bindings on the broker, then exit without
    /// consuming (see <see cref="TopologyDeployment"/>).
    /// </summary>
    public bool DeployTopology { get; set; }

    /// <summary>Messages each endpoint processes at once.</summary>
    public int ConcurrentMessageLimit { get; set; } = 200;

    /// <summary>In-process retries after a failure, with these waits between them.</summary>
    public TimeSpan[] RetryIntervals { get; set; } = [];

    /// <summary>
    /// Then durable redeliveries after these delays (a row in the consuming service's outbox, so they
    /// survive restarts), then the endpoint's <c>_error</c> queue.
    /// </summary>
    public TimeSpan[] RedeliveryDelays { get; set; } = [];

    // Defaults are filled in after binding: the configuration binder appends configured array items
    // to an array's initial value instead of replacing it.
    internal MessagingOptions WithDefaults()
    {
        if (RetryIntervals.Length == 0)
            RetryIntervals = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];
        if (RedeliveryDelays.Length == 0)
            RedeliveryDelays = [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];
        return this;
    }
}
