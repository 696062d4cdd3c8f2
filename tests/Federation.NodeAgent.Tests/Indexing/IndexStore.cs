using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Indexing;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>The PostgreSQL cluster the index tests share (each test its own database); SQLite needs none.</summary>
[CollectionDefinition(Name)]
public sealed class IndexStores : ICollectionFixture<Infrastructure>
{
    public const string Name = "index stores";
}

/// <summary>
/// A node's own database, migrated as the role migrates it, on SQLite (embedded) or PostgreSQL (distributed), with
/// the node's indexer driven step by step by the test instead of by its background loop.
/// </summary>
internal sealed class IndexStore : IDbContextFactory<NodeAgentDbContext>, IAsyncDisposable
{
    private readonly DbContextOptions<NodeAgentDbContext> options;
    private readonly string? directory;

    private IndexStore(StoreProvider provider, string connectionString, string? directory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.directory = directory;
        var builder = new DbContextOptionsBuilder<NodeAgentDbContext>();
        builder.UseServiceStore<NodeAgentDbContext>(provider, connectionString);
        options = builder.Options;
    }

    public StoreProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A fresh database with the schema up to <paramref name="migration"/> (default: the latest).</summary>
    public static async Task<IndexStore> Create(StoreProvider provider, Infrastructure infrastructure, string? migration = null)
    {
        IndexStore store;
        if (provider == StoreProvider.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("node-index-").FullName;
            store = new IndexStore(provider, $"Data Source={Path.Combine(directory, "node-agent.db")};Pooling=false", directory);
        }
        else
            store = new IndexStore(provider, infrastructure.Postgres.ForDatabase($"node_index_{Guid.NewGuid():N}"), null);
        await using var db = store.CreateDbContext();
        await db.GetService<IMigrator>().MigrateAsync(migration);
        return store;
    }

    public NodeAgentDbContext CreateDbContext() => new(options);

    public Indexer Indexer(IImageSource source, NodeAgentOptions settings) =>
        new(this, new ServiceDatabase<NodeAgentDbContext>("node-agent", Provider, "test", ConnectionString), source, Options.Create(settings),
            TimeProvider.System, NullLogger<Indexer>.Instance);

    /// <summary>Steps the indexer until it has nothing more to do (a bounded number of steps, never a sleep).</summary>
    public static async Task UntilIdle(Indexer indexer, int maxSteps = 1000)
    {
        for (var step = 0; step < maxSteps; step++)
            if (await indexer.Step(CancellationToken.None))
                return;
        throw new TimeoutException($"The indexer was still busy after {maxSteps} steps.");
    }

    public async Task<IndexCursor> Cursor()
    {
        await using var db = CreateDbContext();
        return await db.Cursors.AsNoTracking().SingleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (directory is null)
            return;
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
