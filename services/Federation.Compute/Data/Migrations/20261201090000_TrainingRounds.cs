using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Compute.Data.Migrations;

/// <summary>Federated training: a task's progress (round, global model), each part's round and the visa it is sent with again. Written once for PostgreSQL and SQLite.</summary>
[DbContext(typeof(ComputeDbContext))]
[Migration("20261201090000_TrainingRounds")]
public sealed class TrainingRounds : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("training", "tasks", nullable: true);
        migrationBuilder.AddColumn<int>("round", "task_parts", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<string>("visa", "task_parts", maxLength: 16000, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("visa", "task_parts");
        migrationBuilder.DropColumn("round", "task_parts");
        migrationBuilder.DropColumn("training", "tasks");
    }
}
