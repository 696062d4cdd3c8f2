using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Consent.Data.Migrations;

/// <summary>Subjects' consent withdrawals and where datasets live. Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(ConsentDbContext))]
[Migration("20261129030000_Withdrawals")]
public sealed class Withdrawals : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "withdrawals",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                subject_id = t.Column<string>(maxLength: 200, nullable: false),
                sequence = t.Column<int>(nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                reason = t.Column<string>(maxLength: 1000, nullable: true),
                recorded_by = t.Column<string>(maxLength: 200, nullable: false),
                recorded_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_withdrawals", x => new { x.dataset_id, x.subject_id }));
        migrationBuilder.CreateIndex("ix_withdrawals_dataset_id_sequence", "withdrawals", ["dataset_id", "sequence"], unique: true);
        migrationBuilder.CreateTable(
            name: "dataset_locations",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_dataset_locations", x => x.dataset_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("dataset_locations");
        migrationBuilder.DropTable("withdrawals");
    }
}
