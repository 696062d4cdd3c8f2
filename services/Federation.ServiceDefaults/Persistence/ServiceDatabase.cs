namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// What a service's store is and whether its schema is ready. Background work (relay, inbox) waits for
/// readiness, and /health/ready reports it, so a service started before its database still starts.
/// </summary>
public sealed class ServiceDatabase<TDb>(string service, StoreProvider provider, string location, string connectionString) where TDb : ServiceDbContext
{
    private readonly TaskCompletionSource schemaReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Service { get; } = service;

    public StoreProvider Provider { get; } = provider;

    /// <summary>File path or host/database, never a password: it is logged and shown in health output.</summary>
    public string Location { get; } = location;

    /// <summary>With credentials: for the relay's own leader connection, never for display.</summary>
    internal string ConnectionString { get; } = connectionString;

    public bool IsSchemaReady => schemaReady.Task.IsCompleted;

    public Task WhenSchemaReady(CancellationToken cancellationToken) => schemaReady.Task.WaitAsync(cancellationToken);

    internal void MarkSchemaReady() => schemaReady.TrySetResult();
}
