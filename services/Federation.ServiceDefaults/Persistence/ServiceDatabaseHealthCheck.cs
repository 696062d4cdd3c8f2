using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>Ready when the schema is migrated and the database answers now.</summary>
internal sealed class ServiceDatabaseHealthCheck<TDb>(IDbContextFactory<TDb> factory, ServiceDatabase<TDb> database) : IHealthCheck
    where TDb : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!database.IsSchemaReady)
            return HealthCheckResult.Unhealthy($"{database.Service} schema not migrated yet ({database.Location})");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var db = await factory.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy($"{database.Provider} {database.Location}")
                : HealthCheckResult.Unhealthy($"{database.Service} database unreachable ({database.Location})");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{database.Service} database unreachable ({database.Location}): {ex.GetType().Name}");
        }
    }
}
