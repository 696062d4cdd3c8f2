using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Identity.Data.Migrations;

/// <summary>Approved nodes' credential grants. Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261129100000_NodeGrants")]
public sealed class NodeGrants : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "node_grants",
            columns: t => new
            {
                node = t.Column<string>(maxLength: 100, nullable: false),
                requested_by = t.Column<string>(maxLength: 200, nullable: false),
                status = t.Column<string>(maxLength: 20, nullable: false),
                approved_at = t.Column<DateTime>(nullable: false),
                reserved_at = t.Column<DateTime>(nullable: true),
                issued_at = t.Column<DateTime>(nullable: true),
                issued_to = t.Column<string>(maxLength: 200, nullable: true),
                revoked_at = t.Column<DateTime>(nullable: true),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_node_grants", x => x.node));
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("node_grants");
}
