using System.Data.Common;
using Federation.Host;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Federation.IntegrationTests;

/// <summary>
/// Migrations are written by hand once for both providers, so this test is what keeps them honest:
/// for every service context, the schema built by its migrations equals the schema its model
/// describes (EnsureCreated), column by column and index by index, on SQLite and on PostgreSQL.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SchemaTests(Infrastructure infrastructure, ITestOutputHelper output)
{
    public static TheoryData<string> Contexts()
    {
        var data = new TheoryData<string>();
        foreach (var type in ServiceContexts())
            data.Add(type.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task Migrations_build_the_modelled_schema_on_sqlite(string context)
    {
        var directory = Directory.CreateTempSubdirectory("federation-schema-").FullName;
        try
        {
            var migrated = $"Data Source={Path.Combine(directory, "migrated.db")};Pooling=false";
            var created = $"Data Source={Path.Combine(directory, "created.db")};Pooling=false";
            await Build(context, StoreProvider.Sqlite, migrated, migrate: true);
            await Build(context, StoreProvider.Sqlite, created, migrate: false);

            await AssertSame(() => new SqliteConnection(migrated), () => new SqliteConnection(created), SqliteSchema);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task Migrations_build_the_modelled_schema_on_postgresql(string context)
    {
        var name = context.Split('.')[^1].ToLowerInvariant();
        var migrated = infrastructure.Postgres.ForDatabase($"schema_migrated_{name}");
        var created = infrastructure.Postgres.ForDatabase($"schema_created_{name}");
        await Build(context, StoreProvider.PostgreSql, migrated, migrate: true);
        await Build(context, StoreProvider.PostgreSql, created, migrate: false);

        await AssertSame(() => new NpgsqlConnection(migrated), () => new NpgsqlConnection(created), PostgresSchema);
    }

    [Fact]
    public void Every_role_with_a_store_is_covered() =>
        Assert.Contains(ServiceContexts(), t => t.Name == "AccessDbContext");

    private static IEnumerable<Type> ServiceContexts() =>
        RoleCatalog.All.Select(r => r.Create().GetType().Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && typeof(ServiceDbContext).IsAssignableFrom(t));

    private static async Task Build(string context, StoreProvider provider, string connectionString, bool migrate)
    {
        var type = ServiceContexts().Single(t => t.FullName == context);
        var options = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(type))!;
        typeof(PersistenceExtensions).GetMethod(nameof(PersistenceExtensions.UseServiceStore))!.MakeGenericMethod(type)
            .Invoke(null, [options, provider, connectionString, null]);
        await using var db = (DbContext)Activator.CreateInstance(type, options.Options)!;
        await db.Database.EnsureDeletedAsync();
        if (migrate)
            await db.Database.MigrateAsync();
        else
            await db.Database.EnsureCreatedAsync();
    }

    private async Task AssertSame(Func<DbConnection> migrated, Func<DbConnection> created, string query)
    {
        var fromMigrations = await Rows(migrated, query);
        var fromModel = await Rows(created, query);
        output.WriteLine(string.Join('\n', fromModel));
        Assert.NotEmpty(fromModel);
        Assert.Equal(fromModel, fromMigrations);
    }

    private static async Task<List<string>> Rows(Func<DbConnection> connect, string query)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString())));
        return rows.Order(StringComparer.Ordinal).ToList();
    }

    private const string SqliteSchema = """
        SELECT 'column', m.name, p.name, p.type, p."notnull", p.pk
        FROM sqlite_master m JOIN pragma_table_info(m.name) p
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__EFMigrations%'
        UNION ALL
        SELECT 'index', tbl_name, name, sql, null, null FROM sqlite_master
        WHERE type = 'index' AND sql IS NOT NULL AND tbl_name NOT LIKE '__EFMigrations%'
        UNION ALL
        SELECT 'foreign key', m.name, f."table", f."from", f."to", f.on_delete
        FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'
        """;

    private const string PostgresSchema = """
        SELECT 'column', table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length, 0), is_identity
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
        UNION ALL
        SELECT 'index', tablename, indexname, indexdef, '', 0, '' FROM pg_indexes
        WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%'
        UNION ALL
        SELECT 'constraint', tc.table_name, tc.constraint_name, tc.constraint_type, '', 0, ''
        FROM information_schema.table_constraints tc WHERE tc.table_schema = 'public' AND tc.table_name NOT LIKE '__EFMigrations%'
          AND tc.constraint_type <> 'CHECK'
        """;
}
