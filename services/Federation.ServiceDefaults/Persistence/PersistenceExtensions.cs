using Federation.ServiceDefaults.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Federation.ServiceDefaults.Persistence;

public static class PersistenceExtensions
{
    /// <summary>
    /// Gives a service its own database: PostgreSQL when <c>ConnectionStrings:&lt;service&gt;</c> is set,
    /// otherwise a SQLite file <c>&lt;data directory&gt;/&lt;service&gt;.db</c>. Also starts the schema
    /// migrator, the outbox relay and the inbox commit loop of that database, and its readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDb>(this IHostApplicationBuilder builder, string service)
        where TDb : ServiceDbContext
    {
        var (provider, connectionString, location) = Resolve(builder.Configuration, service);
        var database = new ServiceDatabase<TDb>(service, provider, location, connectionString);
        var signal = new OutboxSignal<TDb>();
        var services = builder.Services;

        services.AddSingleton(database);
        services.AddSingleton(signal);
        services.AddPooledDbContextFactory<TDb>(options => options.UseServiceStore(provider, connectionString, signal));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TDb>>().CreateDbContext());
        services.AddSingleton<GroupCommit<TDb>>();
        services.TryAddSingleton<IEventOutbox>(sp => new EventOutbox<TDb>(sp.GetRequiredService<GroupCommit<TDb>>()));

        // Order matters: the schema must exist before the loops that read it start.
        services.AddHostedService<SchemaMigrator<TDb>>();
        services.AddHostedService<OutboxRelay<TDb>>();
        services.AddHostedService<GroupCommitLoop<TDb>>();

        services.AddHealthChecks().AddCheck<ServiceDatabaseHealthCheck<TDb>>($"{service}-database", tags: ["ready"]);
        return builder;
    }

    /// <summary>The store settings every service context uses (also for tools and tests that open a context directly).</summary>
    public static DbContextOptionsBuilder UseServiceStore<TDb>(this DbContextOptionsBuilder options, StoreProvider provider, string connectionString,
        OutboxSignal<TDb>? signal = null)
        where TDb : ServiceDbContext
    {
        // One method per provider: a process on PostgreSQL never loads the SQLite assemblies, and the reverse.
        if (provider == StoreProvider.PostgreSql)
            OnPostgreSql(options, connectionString);
        else
            OnSqlite(options, connectionString);
        options.UseSnakeCaseNamingConvention();
        if (signal is not null)
            options.AddInterceptors(new OutboxCommitInterceptor<TDb>(signal));
        // Migrations are written by hand once for both providers, without a model snapshot; a test
        // compares the migrated schema with the model on both providers instead.
        // A failed statement or save is not logged by EF Core as an error: the exception reaches the group commit (which
        // redoes the batch, fails the unit to its consumer's retries or logs an outage) or the request's exception handler,
        // and those report it with their context. A redelivered message's refused inbox row is expected, not an error.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)
            .Log((RelationalEventId.CommandError, Microsoft.Extensions.Logging.LogLevel.Debug), (CoreEventId.SaveChangesFailed, Microsoft.Extensions.Logging.LogLevel.Debug)));
        return options;
    }

    private static void OnPostgreSql(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);

    private static void OnSqlite(DbContextOptionsBuilder options, string connectionString) => options.UseSqlite(connectionString);

    /// <summary>Statements each PostgreSQL connection keeps prepared (least recently used ones are replaced).</summary>
    internal const int AutoPreparedStatements = 100;

    /// <summary>
    /// The keywords a connection string sets, lower-case without spaces ("Max Auto Prepare" and "MaxAutoPrepare" alike).
    /// Not Npgsql's builder: its <c>ContainsKey</c> is true for every keyword it knows, set or not.
    /// </summary>
    private static HashSet<string> OperatorKeywords(string connectionString) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();

    internal static (StoreProvider Provider, string ConnectionString, string Location) Resolve(IConfiguration configuration, string service)
    {
        var configured = configuration.GetConnectionString(service);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            NpgsqlConnectionStringBuilder parsed;
            try
            {
                parsed = new NpgsqlConnectionStringBuilder(configured);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new StartupConfigurationException(
                    $"ConnectionStrings:{service} is not a valid PostgreSQL connection string ({ex.Message}). Example: Host=127.0.0.1;Port=5432;Database={service};Username=federation;Password=…");
            }
            if (string.IsNullOrWhiteSpace(parsed.Host))
                throw new StartupConfigurationException($"ConnectionStrings:{service} names no Host.");
            // One database per service: default the database name to the service, never to "postgres".
            if (string.IsNullOrWhiteSpace(parsed.Database))
                parsed.Database = service.Replace('-', '_');
            // A service sends the same few statements thousands of times a second (outbox, inbox, group-commit inserts):
            // prepared once per connection, PostgreSQL no longer parses and plans each (a quarter of its CPU under load).
            // An operator's own setting wins.
            var given = OperatorKeywords(configured);
            if (!given.Contains("maxautoprepare"))
                (parsed.MaxAutoPrepare, parsed.AutoPrepareMinUsages) = (AutoPreparedStatements, 2);
            // Every batch, relay round and query returns its connection to the pool, and Npgsql would reset the session
            // each time (DISCARD ALL: a statement per use, hundreds a second). No role keeps session state on a pooled
            // connection (the relay's advisory lock has its own unpooled one; transactions end before the return), so
            // there is nothing to reset. Code that SETs a session variable or takes a session lock must use its own connection.
            if (!given.Contains("noresetonclose"))
                parsed.NoResetOnClose = true;
            return (StoreProvider.PostgreSql, parsed.ConnectionString, $"{parsed.Host}:{parsed.Port}/{parsed.Database}");
        }

        var options = configuration.GetSection(FederationOptions.Section).Get<FederationOptions>() ?? new FederationOptions();
        var directory = Path.GetFullPath(options.DataDirectory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException($"Federation:DataDirectory '{directory}' cannot be created ({ex.Message}).");
        }
        var file = Path.Combine(directory, $"{service}.db");
        return (StoreProvider.Sqlite, SqliteConnectionString(file), file);
    }

    private static string SqliteConnectionString(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 30, Pooling = true }.ConnectionString;
}
