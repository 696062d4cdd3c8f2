using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Consent.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(ConsentDbContext))]
[Migration("20261128190000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "dataset_conditions",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                version = t.Column<int>(nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                permission = t.Column<string>(maxLength: 20, nullable: false),
                diseases = t.Column<string>(maxLength: 2000, nullable: false),
                modifiers_json = t.Column<string>(maxLength: 20000, nullable: false),
                set_by = t.Column<string>(maxLength: 200, nullable: false),
                set_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_dataset_conditions", x => new { x.dataset_id, x.version }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("dataset_conditions");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
