using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// The outbox and inbox tables, in the model and in migrations. Migrations here are written once for
/// both providers: columns carry no store types (each provider maps the CLR type) and identity
/// columns carry both providers' annotations (each ignores the other's).
/// </summary>
public static class OutboxSchema
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    public static void AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable(OutboxTable);
            e.HasKey(m => m.Sequence);
            e.Property(m => m.Sequence).ValueGeneratedOnAdd();
            e.Property(m => m.MessageType).HasMaxLength(300);
            e.Property(m => m.Destination).HasMaxLength(300);
            e.Property(m => m.AggregateId).HasMaxLength(200);
            e.Property(m => m.TraceParent).HasMaxLength(100);
            e.HasIndex(m => m.DueAt);
            e.HasIndex(m => new { m.AggregateId, m.Sequence });
        });
        model.Entity<InboxMessage>(e =>
        {
            e.ToTable(InboxTable);
            // Message id first: a batch looks its messages up by id, whichever consumer (an index led by
            // the consumer name would make that lookup a scan of the whole inbox).
            e.HasKey(m => new { m.MessageId, m.Consumer });
            e.Property(m => m.Consumer).HasMaxLength(200);
            e.HasIndex(m => m.ProcessedAt);
        });
    }

    public static void CreateOutboxAndInbox(this MigrationBuilder migration)
    {
        migration.CreateTable(
            name: OutboxTable,
            columns: t => new
            {
                sequence = t.Column<long>(nullable: false).Identity(),
                message_id = t.Column<Guid>(nullable: false),
                message_type = t.Column<string>(maxLength: 300, nullable: false),
                body = t.Column<string>(nullable: false),
                destination = t.Column<string>(maxLength: 300, nullable: true),
                aggregate_id = t.Column<string>(maxLength: 200, nullable: true),
                correlation_id = t.Column<Guid>(nullable: true),
                trace_parent = t.Column<string>(maxLength: 100, nullable: true),
                headers = t.Column<string>(nullable: true),
                created_at = t.Column<DateTime>(nullable: false),
                due_at = t.Column<DateTime>(nullable: false),
                attempts = t.Column<int>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_outbox_messages", x => x.sequence));
        migration.CreateIndex("ix_outbox_messages_due_at", OutboxTable, "due_at");
        migration.CreateIndex("ix_outbox_messages_aggregate_id_sequence", OutboxTable, ["aggregate_id", "sequence"]);

        migration.CreateTable(
            name: InboxTable,
            columns: t => new
            {
                consumer = t.Column<string>(maxLength: 200, nullable: false),
                message_id = t.Column<Guid>(nullable: false),
                processed_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_inbox_messages", x => new { x.message_id, x.consumer }));
        migration.CreateIndex("ix_inbox_messages_processed_at", InboxTable, "processed_at");
    }

    /// <summary>An auto-incrementing key on either provider.</summary>
    public static OperationBuilder<AddColumnOperation> Identity(this OperationBuilder<AddColumnOperation> column) =>
        column
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
