using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Brings the service's schema up to date at start-up (creating the database if needed). If the
/// database is not there yet, the host still starts, reports not-ready, and keeps trying.
/// </summary>
internal sealed class SchemaMigrator<TDb>(IDbContextFactory<TDb> factory, ServiceDatabase<TDb> database, ILogger<SchemaMigrator<TDb>> log)
    : IHostedService, IDisposable where TDb : ServiceDbContext
{
    private readonly CancellationTokenSource stopping = new();
    private Task? retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // First attempt inline, so that in the common case the schema exists before HTTP is served.
        if (await TryMigrate(cancellationToken))
            return;
        retrying = RetryUntilMigrated(stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (retrying is not null)
            await retrying.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => stopping.Dispose();

    private async Task RetryUntilMigrated(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (await TryMigrate(cancellationToken))
                return;
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    private async Task<bool> TryMigrate(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            if (database.Provider == StoreProvider.Sqlite)
                // WAL lets the relay read while a request writes; the setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            database.MarkSchemaReady();
            log.LogInformation("Schema of {Service} is up to date ({Provider}, {Location})", database.Service, database.Provider, database.Location);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Schema of {Service} not ready yet ({Provider}, {Location}): {Error}", database.Service, database.Provider, database.Location, ex.Message);
            return false;
        }
    }
}
