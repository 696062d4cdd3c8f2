using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Discovery.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(DiscoveryDbContext))]
[Migration("20261129020000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "catalogue",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                version = t.Column<long>(nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                title = t.Column<string>(maxLength: 300, nullable: false),
                description = t.Column<string>(maxLength: 4000, nullable: true),
                cancer_type = t.Column<string>(maxLength: 40, nullable: true),
                modalities = t.Column<string>(maxLength: 400, nullable: false),
                body_parts = t.Column<string>(maxLength: 2000, nullable: false),
                subjects = t.Column<int>(nullable: false),
                instances = t.Column<long>(nullable: false),
                size_bytes = t.Column<long>(nullable: false),
                description_json = t.Column<string>(maxLength: 100_000, nullable: false),
                retired = t.Column<bool>(nullable: false),
                updated_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_catalogue", x => x.dataset_id));
        migrationBuilder.CreateIndex("ix_catalogue_retired_title", "catalogue", ["retired", "title"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("catalogue");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
