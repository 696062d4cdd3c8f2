using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Audit.Data.Migrations;

/// <summary>
/// What each entry is about (datasets, requests, tasks, nodes, holders, parties), for queries and rights, and indexes
/// on actor and time. Written once for PostgreSQL and SQLite. Existing entries are indexed after the upgrade by the
/// checkpoint sealer's start (Query.EntryRefs.Backfill), because reading the payloads' JSON is not SQL both providers
/// speak alike. Nothing here touches the hashed columns.
/// </summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261210000000_EntryRefs")]
public sealed class EntryRefs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "audit_entry_refs",
            columns: t => new
            {
                kind = t.Column<string>(maxLength: 20, nullable: false),
                value = t.Column<string>(maxLength: 200, nullable: false),
                sequence = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_entry_refs", x => new { x.kind, x.value, x.sequence }));
        migrationBuilder.CreateIndex("ix_audit_entry_refs_sequence", "audit_entry_refs", "sequence");
        migrationBuilder.CreateIndex("ix_audit_entries_actor_subject", "audit_entries", "actor_subject");
        migrationBuilder.CreateIndex("ix_audit_entries_occurred_at", "audit_entries", "occurred_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("ix_audit_entries_occurred_at", "audit_entries");
        migrationBuilder.DropIndex("ix_audit_entries_actor_subject", "audit_entries");
        migrationBuilder.DropTable("audit_entry_refs");
    }
}
