using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.NodeAgent.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(NodeAgentDbContext))]
[Migration("20261129030000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "indexed_instances",
            columns: t => new
            {
                instance_id = t.Column<string>(maxLength: 100, nullable: false),
                collection = t.Column<string>(maxLength: 100, nullable: true),
                patient_id = t.Column<string>(maxLength: 100, nullable: false),
                study_uid = t.Column<string>(maxLength: 100, nullable: false),
                series_uid = t.Column<string>(maxLength: 100, nullable: false),
                modality = t.Column<string>(maxLength: 16, nullable: false),
                body_part = t.Column<string>(maxLength: 64, nullable: false),
                sex = t.Column<string>(maxLength: 1, nullable: false),
                birth_year = t.Column<int>(nullable: true),
                study_year = t.Column<int>(nullable: true),
                size_bytes = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_indexed_instances", x => x.instance_id));
        migrationBuilder.CreateIndex("ix_indexed_instances_collection_patient_id", "indexed_instances", ["collection", "patient_id"]);
        migrationBuilder.CreateTable(
            name: "index_cursor",
            columns: t => new
            {
                id = t.Column<int>(nullable: false),
                last_change = t.Column<long>(nullable: false),
                reconciled = t.Column<bool>(nullable: false),
                descriptions_stale = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_index_cursor", x => x.id));
        migrationBuilder.CreateTable(
            name: "withdrawn_subjects",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                subject_id = t.Column<string>(maxLength: 200, nullable: false),
                recorded_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_withdrawn_subjects", x => new { x.dataset_id, x.subject_id }));
        migrationBuilder.CreateTable(
            name: "published_datasets",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                version = t.Column<long>(nullable: false),
                fingerprint = t.Column<string>(maxLength: 64, nullable: false),
                retired = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_published_datasets", x => x.dataset_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("published_datasets");
        migrationBuilder.DropTable("withdrawn_subjects");
        migrationBuilder.DropTable("index_cursor");
        migrationBuilder.DropTable("indexed_instances");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
