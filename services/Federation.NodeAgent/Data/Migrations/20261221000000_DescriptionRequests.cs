using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.NodeAgent.Data.Migrations;

/// <summary>
/// The "descriptions stale" flag becomes two counters (asked, published): a flag cleared by the indexer could swallow a
/// withdrawal committed while the indexer was describing. Written once for PostgreSQL and SQLite.
/// </summary>
[DbContext(typeof(NodeAgentDbContext))]
[Migration("20261221000000_DescriptionRequests")]
public sealed class DescriptionRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>("descriptions_asked", "index_cursor", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<long>("descriptions_published", "index_cursor", nullable: false, defaultValue: 0L);
        migrationBuilder.Sql("UPDATE index_cursor SET descriptions_asked = 1 WHERE descriptions_stale;");
        // Plain SQL: EF's SQLite generator cannot drop a column without a model snapshot; both stores accept this one.
        migrationBuilder.Sql("ALTER TABLE index_cursor DROP COLUMN descriptions_stale;");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>("descriptions_stale", "index_cursor", nullable: false, defaultValue: false);
        migrationBuilder.Sql("UPDATE index_cursor SET descriptions_stale = descriptions_asked <> descriptions_published;");
        migrationBuilder.Sql("ALTER TABLE index_cursor DROP COLUMN descriptions_published;");
        migrationBuilder.Sql("ALTER TABLE index_cursor DROP COLUMN descriptions_asked;");
    }
}
