using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Audit.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261128000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();

        migrationBuilder.CreateTable(
            name: "audit_entries",
            columns: t => new
            {
                sequence = t.Column<long>(nullable: false).Identity(),
                event_id = t.Column<Guid>(nullable: false),
                event_type = t.Column<string>(maxLength: 300, nullable: false),
                aggregate_id = t.Column<string>(maxLength: 200, nullable: false),
                aggregate_version = t.Column<long>(nullable: false),
                actor_subject = t.Column<string>(maxLength: 200, nullable: false),
                actor_kind = t.Column<string>(maxLength: 40, nullable: false),
                actor_role = t.Column<string>(maxLength: 80, nullable: true),
                correlation_id = t.Column<Guid>(nullable: false),
                occurred_at = t.Column<DateTime>(nullable: false),
                recorded_at = t.Column<DateTime>(nullable: false),
                payload = t.Column<string>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_entries", x => x.sequence));
        migrationBuilder.CreateIndex("ix_audit_entries_event_id", "audit_entries", "event_id", unique: true);
        migrationBuilder.CreateIndex("ix_audit_entries_aggregate_id_aggregate_version", "audit_entries", ["aggregate_id", "aggregate_version"]);
        migrationBuilder.CreateIndex("ix_audit_entries_correlation_id", "audit_entries", "correlation_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("audit_entries");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
