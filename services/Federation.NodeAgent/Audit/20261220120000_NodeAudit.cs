using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.NodeAgent.Audit;

/// <summary>The node's own audit chain, its head, checkpoints and signing key (LocalAuditModel). Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(NodeAgentDbContext))]
[Migration("20261220120000_NodeAudit")]
public sealed class NodeAuditTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "node_audit_entries",
            columns: t => new
            {
                sequence = t.Column<long>(nullable: false),
                task_id = t.Column<string>(maxLength: 200, nullable: false),
                dataset = t.Column<string>(maxLength: 200, nullable: false),
                round = t.Column<int>(nullable: false),
                owner = t.Column<string>(maxLength: 200, nullable: true),
                algorithm = t.Column<string>(maxLength: 300, nullable: true),
                visa_hash = t.Column<string>(maxLength: 64, nullable: true),
                state = t.Column<string>(maxLength: 40, nullable: false),
                reason = t.Column<string>(nullable: true),
                result_hash = t.Column<string>(maxLength: 64, nullable: true),
                recorded_at = t.Column<DateTime>(nullable: false),
                previous_hash = t.Column<string>(maxLength: 64, nullable: false),
                hash = t.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_node_audit_entries", x => x.sequence));
        migrationBuilder.CreateTable(
            name: "node_audit_head",
            columns: t => new
            {
                id = t.Column<int>(nullable: false),
                sequence = t.Column<long>(nullable: false),
                hash = t.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_node_audit_head", x => x.id));
        migrationBuilder.CreateTable(
            name: "node_audit_checkpoints",
            columns: t => new
            {
                number = t.Column<long>(nullable: false),
                from_sequence = t.Column<long>(nullable: false),
                to_sequence = t.Column<long>(nullable: false),
                merkle_root = t.Column<string>(maxLength: 64, nullable: false),
                chain_hash = t.Column<string>(maxLength: 64, nullable: false),
                sealed_at = t.Column<DateTime>(nullable: false),
                signature = t.Column<string>(maxLength: 2000, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_node_audit_checkpoints", x => x.number));
        migrationBuilder.CreateIndex("ix_node_audit_checkpoints_from_sequence", "node_audit_checkpoints", "from_sequence", unique: true);
        migrationBuilder.CreateTable(
            name: "node_audit_keys",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 200, nullable: false),
                private_key_pem = t.Column<string>(maxLength: 4000, nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_node_audit_keys", x => x.id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("node_audit_keys");
        migrationBuilder.DropTable("node_audit_checkpoints");
        migrationBuilder.DropTable("node_audit_head");
        migrationBuilder.DropTable("node_audit_entries");
    }
}
