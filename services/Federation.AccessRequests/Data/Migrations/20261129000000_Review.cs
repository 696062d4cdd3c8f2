using Federation.AccessRequests.Visas;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.AccessRequests.Data.Migrations;

/// <summary>
/// Review: per-dataset sub-states and consent checks, votes, comments, holders' review policies,
/// entitlements and the visa signing keys. Written once for PostgreSQL and SQLite.
/// </summary>
[DbContext(typeof(AccessDbContext))]
[Migration("20261129000000_Review")]
public sealed class Review : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("purpose_terms", "access_requests", maxLength: 8000, nullable: true);
        migrationBuilder.AddColumn<string>("team", "access_requests", maxLength: 12000, nullable: false, defaultValue: "[]");
        migrationBuilder.AddColumn<DateOnly>("project_start", "access_requests", nullable: true);
        migrationBuilder.AddColumn<DateOnly>("project_end", "access_requests", nullable: true);
        migrationBuilder.AddColumn<DateTime>("updated_at", "access_requests", nullable: false, defaultValue: DateTime.UnixEpoch);
        migrationBuilder.AddColumn<long>("submitted_version", "access_requests", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<int>("round", "access_requests", nullable: false, defaultValue: 0);
        // Requests from before this migration count as touched when they were created.
        migrationBuilder.Sql("UPDATE access_requests SET updated_at = created_at");
        migrationBuilder.CreateIndex("ix_access_requests_state_updated_at", "access_requests", ["state", "updated_at"]);

        migrationBuilder.AddColumn<string>("data_holder", "requested_datasets", maxLength: 100, nullable: true);
        migrationBuilder.AddColumn<string>("state", "requested_datasets", maxLength: 40, nullable: false, defaultValue: "Pending");
        migrationBuilder.AddColumn<string>("consent_outcome", "requested_datasets", maxLength: 20, nullable: true);
        migrationBuilder.AddColumn<string>("consent_reasons", "requested_datasets", maxLength: 20000, nullable: false, defaultValue: "[]");
        migrationBuilder.AddColumn<string>("consent_obligations", "requested_datasets", maxLength: 20000, nullable: false, defaultValue: "[]");
        migrationBuilder.AddColumn<int>("consent_conditions_version", "requested_datasets", nullable: true);
        migrationBuilder.AddColumn<string>("conditions", "requested_datasets", maxLength: 16000, nullable: true);
        migrationBuilder.AddColumn<string>("override_reason", "requested_datasets", maxLength: 4000, nullable: true);
        foreach (var column in new[] { "remind_at", "escalate_at", "reminded_at", "escalated_at", "decided_at" })
            migrationBuilder.AddColumn<DateTime>(column, "requested_datasets", nullable: true);
        migrationBuilder.CreateIndex("ix_requested_datasets_remind_at", "requested_datasets", "remind_at");
        migrationBuilder.CreateIndex("ix_requested_datasets_escalate_at", "requested_datasets", "escalate_at");
        migrationBuilder.CreateIndex("ix_requested_datasets_data_holder_state", "requested_datasets", ["data_holder", "state"]);

        migrationBuilder.CreateTable(
            name: "review_votes",
            columns: t => new
            {
                request_id = t.Column<Guid>(nullable: false),
                round = t.Column<int>(nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                member = t.Column<string>(maxLength: 200, nullable: false),
                approve = t.Column<bool>(nullable: false),
                comment = t.Column<string>(maxLength: 4000, nullable: true),
                conditions = t.Column<string>(maxLength: 4000, nullable: true),
                override_reason = t.Column<string>(maxLength: 4000, nullable: true),
                cast_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_review_votes", x => new { x.request_id, x.round, x.dataset_id, x.member });
                t.ForeignKey("fk_review_votes_access_requests_request_id", x => x.request_id, "access_requests", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "review_comments",
            columns: t => new
            {
                id = t.Column<Guid>(nullable: false),
                request_id = t.Column<Guid>(nullable: false),
                author = t.Column<string>(maxLength: 200, nullable: false),
                text = t.Column<string>(maxLength: 4000, nullable: false),
                at = t.Column<DateTime>(nullable: false),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_review_comments", x => x.id);
                t.ForeignKey("fk_review_comments_access_requests_request_id", x => x.request_id, "access_requests", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_review_comments_request_id", "review_comments", "request_id");

        migrationBuilder.CreateTable(
            name: "review_policies",
            columns: t => new
            {
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                rule = t.Column<string>(maxLength: 20, nullable: false),
                members = t.Column<string>(maxLength: 12000, nullable: false),
                quorum = t.Column<int>(nullable: false),
                veto = t.Column<bool>(nullable: false),
                remind_after = t.Column<TimeSpan>(nullable: false),
                escalate_after = t.Column<TimeSpan>(nullable: false),
                entitlement_duration = t.Column<TimeSpan>(nullable: false),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_review_policies", x => x.data_holder));

        migrationBuilder.CreateTable(
            name: "entitlements",
            columns: t => new
            {
                id = t.Column<Guid>(nullable: false),
                request_id = t.Column<Guid>(nullable: false),
                subject = t.Column<string>(maxLength: 200, nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                conditions = t.Column<string>(maxLength: 16000, nullable: true),
                granted_at = t.Column<DateTime>(nullable: false),
                start = t.Column<DateTime>(nullable: false),
                end = t.Column<DateTime>(nullable: false),
                state = t.Column<string>(maxLength: 20, nullable: false),
                ended_at = t.Column<DateTime>(nullable: true),
                end_reason = t.Column<string>(maxLength: 4000, nullable: true),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_entitlements", x => x.id));
        migrationBuilder.CreateIndex("ix_entitlements_subject", "entitlements", "subject");
        migrationBuilder.CreateIndex("ix_entitlements_data_holder", "entitlements", "data_holder");
        migrationBuilder.CreateIndex("ix_entitlements_request_id", "entitlements", "request_id");
        migrationBuilder.CreateIndex("ix_entitlements_state_end", "entitlements", ["state", "end"]);

        VisaKeyModel.CreateTable(migrationBuilder);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "visa_keys", "entitlements", "review_policies", "review_comments", "review_votes" })
            migrationBuilder.DropTable(table);
        migrationBuilder.DropIndex("ix_requested_datasets_data_holder_state", "requested_datasets");
        migrationBuilder.DropIndex("ix_requested_datasets_escalate_at", "requested_datasets");
        migrationBuilder.DropIndex("ix_requested_datasets_remind_at", "requested_datasets");
        foreach (var column in new[] { "data_holder", "state", "consent_outcome", "consent_reasons", "consent_obligations", "consent_conditions_version",
                     "conditions", "override_reason", "remind_at", "escalate_at", "reminded_at", "escalated_at", "decided_at" })
            migrationBuilder.DropColumn(column, "requested_datasets"); // SQLite: EF rebuilds the table
        migrationBuilder.DropIndex("ix_access_requests_state_updated_at", "access_requests");
        foreach (var column in new[] { "purpose_terms", "team", "project_start", "project_end", "updated_at", "submitted_version", "round" })
            migrationBuilder.DropColumn(column, "access_requests");
    }
}
