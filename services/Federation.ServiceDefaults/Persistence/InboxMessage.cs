namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Proof that a consumer applied a message: inserted in the same transaction as the consumer's effect,
/// so a redelivered message finds it and is acknowledged without applying the effect twice.
/// </summary>
public sealed class InboxMessage
{
    public string Consumer { get; set; } = "";

    public Guid MessageId { get; set; }

    public DateTime ProcessedAt { get; set; }
}
