using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Discovery.Data.Migrations;

/// <summary>The entitlements that grade federated search results. Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(DiscoveryDbContext))]
[Migration("20261129040000_SearchEntitlements")]
public sealed class SearchEntitlements : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "entitlements",
            columns: t => new
            {
                entitlement_id = t.Column<Guid>(nullable: false),
                subject = t.Column<string>(maxLength: 200, nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                start = t.Column<DateTime>(nullable: false),
                end = t.Column<DateTime>(nullable: false),
                ended = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_entitlements", x => x.entitlement_id));
        migrationBuilder.CreateIndex("ix_entitlements_subject", "entitlements", "subject");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("entitlements");
}
