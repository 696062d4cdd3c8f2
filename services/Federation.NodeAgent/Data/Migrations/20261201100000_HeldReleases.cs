using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.NodeAgent.Data.Migrations;

/// <summary>The airlock's manual gate: results waiting for the node operator, and the decisions taken. Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(NodeAgentDbContext))]
[Migration("20261201100000_HeldReleases")]
public sealed class HeldReleases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "held_releases",
            columns: t => new
            {
                id = t.Column<Guid>(nullable: false),
                task_id = t.Column<string>(maxLength: 32, nullable: false),
                dataset = t.Column<string>(maxLength: 200, nullable: false),
                round = t.Column<int>(nullable: false),
                algorithm = t.Column<string>(maxLength: 500, nullable: false),
                owner = t.Column<string>(maxLength: 200, nullable: false),
                result = t.Column<string>(nullable: false),
                part_state = t.Column<string>(maxLength: 20, nullable: false),
                part_reason = t.Column<string>(maxLength: 1000, nullable: false),
                state = t.Column<string>(maxLength: 20, nullable: false),
                held_at = t.Column<DateTime>(nullable: false),
                decided_by = t.Column<string>(maxLength: 200, nullable: true),
                decided_at = t.Column<DateTime>(nullable: true),
                reason = t.Column<string>(maxLength: 1000, nullable: true),
                correlation_id = t.Column<Guid>(nullable: false),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_held_releases", x => x.id));
        migrationBuilder.CreateIndex("ix_held_releases_state_id", "held_releases", ["state", "id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("held_releases");
}
