using Federation.ServiceDefaults.Projections;
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
        migrationBuilder.CreateEntitlements();
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("entitlements");
}
