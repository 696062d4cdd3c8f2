using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.AccessRequests.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(AccessDbContext))]
[Migration("20261128000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();

        migrationBuilder.CreateTable(
            name: "access_requests",
            columns: t => new
            {
                id = t.Column<Guid>(nullable: false),
                title = t.Column<string>(maxLength: 300, nullable: false),
                purpose = t.Column<string>(maxLength: 4000, nullable: true),
                applicant = t.Column<string>(maxLength: 200, nullable: false),
                state = t.Column<string>(maxLength: 40, nullable: false),
                version = t.Column<long>(nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
                submitted_at = t.Column<DateTime>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_access_requests", x => x.id));
        migrationBuilder.CreateIndex("ix_access_requests_applicant_created_at", "access_requests", ["applicant", "created_at"]);

        migrationBuilder.CreateTable(
            name: "requested_datasets",
            columns: t => new
            {
                request_id = t.Column<Guid>(nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                position = t.Column<int>(nullable: false),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_requested_datasets", x => new { x.request_id, x.dataset_id });
                t.ForeignKey("fk_requested_datasets_access_requests_request_id", x => x.request_id, "access_requests", "id",
                    onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("requested_datasets");
        migrationBuilder.DropTable("access_requests");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
