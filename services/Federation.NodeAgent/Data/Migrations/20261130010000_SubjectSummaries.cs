using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.NodeAgent.Data.Migrations;

/// <summary>
/// A node at a large hospital's scale: subject summaries (counts read thousands of rows, not millions), the
/// reconciliation pass stamped on each image row (mark and sweep in pages), the index's own image count.
/// Existing indexes are summed once here. Written once for PostgreSQL and SQLite.
/// </summary>
[DbContext(typeof(NodeAgentDbContext))]
[Migration("20261130010000_SubjectSummaries")]
public sealed class SubjectSummaryTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>("pass", "indexed_instances", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<long>("reconcile_pass", "index_cursor", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<long>("reconcile_next", "index_cursor", nullable: true);
        migrationBuilder.AddColumn<long>("instances", "index_cursor", nullable: false, defaultValue: 0L);
        migrationBuilder.CreateTable(
            name: "indexed_subjects",
            columns: t => new
            {
                collection = t.Column<string>(maxLength: 100, nullable: false),
                patient_id = t.Column<string>(maxLength: 100, nullable: false),
                sex = t.Column<string>(maxLength: 1, nullable: false),
                birth_year = t.Column<int>(nullable: true),
                first_study_year = t.Column<int>(nullable: true),
                last_study_year = t.Column<int>(nullable: true),
                studies = t.Column<int>(nullable: false),
                series = t.Column<int>(nullable: false),
                instances = t.Column<long>(nullable: false),
                size_bytes = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_indexed_subjects", x => new { x.collection, x.patient_id }));
        migrationBuilder.CreateTable(
            name: "indexed_subject_kinds",
            columns: t => new
            {
                collection = t.Column<string>(maxLength: 100, nullable: false),
                patient_id = t.Column<string>(maxLength: 100, nullable: false),
                modality = t.Column<string>(maxLength: 16, nullable: false),
                body_part = t.Column<string>(maxLength: 64, nullable: false),
                sex = t.Column<string>(maxLength: 1, nullable: false),
                birth_year = t.Column<int>(nullable: true),
                first_study_year = t.Column<int>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_indexed_subject_kinds", x => new { x.collection, x.patient_id, x.modality, x.body_part }));

        // Plain SQL both providers read: the summaries of what is indexed already, and its count.
        migrationBuilder.Sql("""
            INSERT INTO indexed_subjects (collection, patient_id, sex, birth_year, first_study_year, last_study_year, studies, series, instances, size_bytes)
            SELECT collection, patient_id, MAX(sex), MIN(birth_year), MIN(study_year), MAX(study_year),
                   COUNT(DISTINCT study_uid), COUNT(DISTINCT series_uid), COUNT(*), SUM(size_bytes)
            FROM indexed_instances WHERE collection IS NOT NULL GROUP BY collection, patient_id;
            """);
        migrationBuilder.Sql("""
            INSERT INTO indexed_subject_kinds (collection, patient_id, modality, body_part, sex, birth_year, first_study_year)
            SELECT collection, patient_id, modality, body_part, MAX(sex), MIN(birth_year), MIN(study_year)
            FROM indexed_instances WHERE collection IS NOT NULL GROUP BY collection, patient_id, modality, body_part;
            """);
        migrationBuilder.Sql("UPDATE index_cursor SET instances = (SELECT COUNT(*) FROM indexed_instances);");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("indexed_subject_kinds");
        migrationBuilder.DropTable("indexed_subjects");
        migrationBuilder.DropColumn("instances", "index_cursor");
        migrationBuilder.DropColumn("reconcile_next", "index_cursor");
        migrationBuilder.DropColumn("reconcile_pass", "index_cursor");
        migrationBuilder.DropColumn("pass", "indexed_instances");
    }
}
