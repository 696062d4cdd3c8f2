using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Compute.Data.Migrations;

/// <summary>
/// Datasets moved to the central node: each transfer, the kind of each part, and whether a task's data has all
/// arrived; and a task's policy when a node goes silent. Written once for PostgreSQL and SQLite.
/// </summary>
[DbContext(typeof(ComputeDbContext))]
[Migration("20261201110000_CentralTransfers")]
public sealed class CentralTransfers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("kind", "task_parts", maxLength: 20, nullable: false, defaultValue: "run");
        migrationBuilder.AddColumn<bool>("central_ready", "tasks", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<bool>("wait_for_nodes", "tasks", nullable: false, defaultValue: false);
        migrationBuilder.CreateTable(
            name: "transfers",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 32, nullable: false),
                task_id = t.Column<string>(maxLength: 32, nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                dataset = t.Column<string>(maxLength: 200, nullable: false),
                token_hash = t.Column<string>(maxLength: 64, nullable: false),
                files = t.Column<int>(nullable: false),
                bytes = t.Column<long>(nullable: false),
                open = t.Column<bool>(nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_transfers", x => x.id));
        migrationBuilder.CreateIndex("ix_transfers_task_id", "transfers", "task_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("transfers");
        migrationBuilder.DropColumn("wait_for_nodes", "tasks");
        migrationBuilder.DropColumn("central_ready", "tasks");
        migrationBuilder.DropColumn("kind", "task_parts");
    }
}
