using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Audit.Data.Migrations;

/// <summary>
/// The context of each entry (canonical form 2: client, service, node, purpose, entitlements, outcome, content hash) and
/// what it is resolved from (request purposes, held entitlements, task grounds). Written once for PostgreSQL and SQLite.
/// Entries recorded before keep form 1 (the default here): their hashes cover no context, so none is written into
/// them; it is derived from their payload when they are read (Context.EntryFacts).
/// </summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261220000000_EntryContext")]
public sealed class EntryContext : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "format", table: "audit_entries", nullable: false, defaultValue: 1);
        migrationBuilder.AddColumn<string>(name: "actor_client", table: "audit_entries", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<string>(name: "service", table: "audit_entries", maxLength: 80, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<string>(name: "node", table: "audit_entries", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<string>(name: "purpose", table: "audit_entries", maxLength: 2000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "purpose_codes", table: "audit_entries", maxLength: 1000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "entitlements", table: "audit_entries", maxLength: 2000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "outcome", table: "audit_entries", maxLength: 20, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<string>(name: "outcome_detail", table: "audit_entries", nullable: true);
        migrationBuilder.AddColumn<string>(name: "content_hash", table: "audit_entries", maxLength: 64, nullable: true);
        migrationBuilder.CreateIndex("ix_audit_entries_event_type_sequence", "audit_entries", ["event_type", "sequence"]);

        migrationBuilder.CreateTable(
            name: "audit_held_entitlements",
            columns: t => new
            {
                subject = t.Column<string>(maxLength: 200, nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                entitlement_id = t.Column<string>(maxLength: 200, nullable: false),
                request_id = t.Column<string>(maxLength: 200, nullable: false),
                active = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_held_entitlements", x => new { x.subject, x.dataset_id }));

        migrationBuilder.CreateTable(
            name: "audit_task_grounds",
            columns: t => new
            {
                task_id = t.Column<string>(maxLength: 200, nullable: false),
                owner = t.Column<string>(maxLength: 200, nullable: false),
                grants = t.Column<string>(nullable: false),
                purpose = t.Column<string>(maxLength: 2000, nullable: true),
                purpose_codes = t.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_audit_task_grounds", x => x.task_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("audit_task_grounds");
        migrationBuilder.DropTable("audit_held_entitlements");
        migrationBuilder.DropIndex("ix_audit_entries_event_type_sequence", "audit_entries");
        foreach (var column in new[] { "content_hash", "outcome_detail", "outcome", "entitlements", "purpose_codes", "purpose", "node", "service", "actor_client", "format" })
            migrationBuilder.DropColumn(column, "audit_entries");
    }
}
