using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Compute.Data.Migrations;

/// <summary>The node registry. Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(ComputeDbContext))]
[Migration("20261129100000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "nodes",
            columns: t => new
            {
                name = t.Column<string>(maxLength: 100, nullable: false),
                country = t.Column<string>(maxLength: 2, nullable: false),
                institution = t.Column<string>(maxLength: 200, nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                tier = t.Column<string>(maxLength: 30, nullable: false),
                declared_capabilities = t.Column<string>(maxLength: 1000, nullable: false),
                status = t.Column<string>(maxLength: 20, nullable: false),
                requested_by = t.Column<string>(maxLength: 200, nullable: false),
                requested_at = t.Column<DateTime>(nullable: false),
                decided_by = t.Column<string>(maxLength: 200, nullable: true),
                decided_at = t.Column<DateTime>(nullable: true),
                reason = t.Column<string>(maxLength: 1000, nullable: true),
                liveness = t.Column<string>(maxLength: 20, nullable: false),
                last_heartbeat_at = t.Column<DateTime>(nullable: true),
                reported_capabilities = t.Column<string>(maxLength: 1000, nullable: true),
                queue_length = t.Column<int>(nullable: false),
                indexed_instances = t.Column<long>(nullable: false),
                agent_version = t.Column<string>(maxLength: 100, nullable: true),
                last_refusal = t.Column<string>(maxLength: 500, nullable: true),
                last_refusal_at = t.Column<DateTime>(nullable: true),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_nodes", x => x.name));
        migrationBuilder.CreateIndex("ix_nodes_liveness", "nodes", "liveness");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("nodes");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
