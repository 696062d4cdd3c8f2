namespace Federation.ServiceDefaults.Persistence;

/// <summary><c>Federation:Outbox</c>: how the relay and the inbox batch their work.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Federation:Outbox";

    /// <summary>Most rows the relay publishes per transaction.</summary>
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>How often the relay looks for rows without being woken (rows left by a crash, timers falling due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the relay waits for the broker to confirm a batch before retrying it.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Stops this process relaying (rows accumulate, durably). For maintenance and for the fault
    /// test that kills a process between its commits and their relay.
    /// </summary>
    public bool RelayPaused { get; set; }

    /// <summary>Most units of work (HTTP writes, consumed messages) committed in one transaction.</summary>
    public int InboxBatchSize { get; set; } = 200;

    /// <summary>How long inbox rows are kept: a redelivery older than this is no longer recognised as a duplicate.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(14);
}
