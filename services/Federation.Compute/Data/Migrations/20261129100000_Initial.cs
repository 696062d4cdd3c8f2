using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Compute.Data.Migrations;

/// <summary>The node registry, tasks, and what the router knows of datasets and entitlements. Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema").</summary>
[DbContext(typeof(ComputeDbContext))]
[Migration("20261129100000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "nodes",
            columns: t => new
            {
                name = t.Column<string>(maxLength: 100, nullable: false),
                country = t.Column<string>(maxLength: 2, nullable: false),
                institution = t.Column<string>(maxLength: 200, nullable: false),
                data_holder = t.Column<string>(maxLength: 100, nullable: false),
                tier = t.Column<string>(maxLength: 30, nullable: false),
                declared_capabilities = t.Column<string>(maxLength: 1000, nullable: false),
                status = t.Column<string>(maxLength: 20, nullable: false),
                requested_by = t.Column<string>(maxLength: 200, nullable: false),
                requested_at = t.Column<DateTime>(nullable: false),
                decided_by = t.Column<string>(maxLength: 200, nullable: true),
                decided_at = t.Column<DateTime>(nullable: true),
                reason = t.Column<string>(maxLength: 1000, nullable: true),
                liveness = t.Column<string>(maxLength: 20, nullable: false),
                last_heartbeat_at = t.Column<DateTime>(nullable: true),
                reported_capabilities = t.Column<string>(maxLength: 1000, nullable: true),
                queue_length = t.Column<int>(nullable: false),
                indexed_instances = t.Column<long>(nullable: false),
                agent_version = t.Column<string>(maxLength: 100, nullable: true),
                allowed_algorithms = t.Column<string>(maxLength: 4000, nullable: true),
                last_refusal = t.Column<string>(maxLength: 500, nullable: true),
                last_refusal_at = t.Column<DateTime>(nullable: true),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_nodes", x => x.name));
        migrationBuilder.CreateIndex("ix_nodes_liveness", "nodes", "liveness");
        migrationBuilder.CreateTable(
            name: "datasets",
            columns: t => new
            {
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                size_bytes = t.Column<long>(nullable: false),
                access_model = t.Column<string>(maxLength: 30, nullable: false),
                retired = t.Column<bool>(nullable: false),
                description_version = t.Column<long>(nullable: false),
                stays_at_node = t.Column<bool>(nullable: false),
                countries = t.Column<string>(maxLength: 1000, nullable: false),
                conditions_version = t.Column<int>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_datasets", x => x.dataset_id));
        migrationBuilder.CreateTable(
            name: "tasks",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 32, nullable: false),
                owner = t.Column<string>(maxLength: 200, nullable: false),
                name = t.Column<string>(maxLength: 200, nullable: true),
                state = t.Column<string>(maxLength: 20, nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
                document = t.Column<string>(nullable: false),
                datasets = t.Column<string>(maxLength: 20000, nullable: false),
                dataset_count = t.Column<int>(nullable: false),
                algorithm = t.Column<string>(maxLength: 500, nullable: false),
                decision = t.Column<string>(nullable: true),
                logs = t.Column<string>(nullable: true),
                cancel_requested = t.Column<bool>(nullable: false),
                version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_tasks", x => x.id));
        migrationBuilder.CreateIndex("ix_tasks_owner_id", "tasks", ["owner", "id"]);
        migrationBuilder.CreateIndex("ix_tasks_state", "tasks", "state");
        migrationBuilder.CreateTable(
            name: "task_parts",
            columns: t => new
            {
                task_id = t.Column<string>(maxLength: 32, nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: false),
                dataset = t.Column<string>(maxLength: 200, nullable: false),
                state = t.Column<string>(maxLength: 20, nullable: false),
                reason = t.Column<string>(maxLength: 1000, nullable: true),
                result = t.Column<string>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_task_parts", x => new { x.task_id, x.node, x.dataset }));
        migrationBuilder.CreateEntitlements();
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("entitlements");
        migrationBuilder.DropTable("task_parts");
        migrationBuilder.DropTable("tasks");
        migrationBuilder.DropTable("datasets");
        migrationBuilder.DropTable("nodes");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
