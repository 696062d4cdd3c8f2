using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Federation.Audit.Data.Migrations;

/// <summary>
/// The hash chain, its head, checkpoints and the signing keys. Written once for PostgreSQL and SQLite. Entries
/// recorded before keep empty hashes here; the chain links them (renumbered 1…N in recording order) in the first
/// transaction that touches the chain after the upgrade (AuditChain.Start), because SHA-256 over the canonical form
/// is not SQL that both providers speak.
/// </summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261201000000_HashChain")]
public sealed class HashChain : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // The chain numbers entries, not an identity (it may leave gaps). SQLite keeps the column as it is (the
        // schema is equal there; the value is always given), PostgreSQL drops the identity.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            migrationBuilder.AlterColumn<long>(
                name: "sequence", table: "audit_entries", nullable: false,
                oldClrType: typeof(long), oldNullable: false)
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

        migrationBuilder.AddColumn<string>(name: "previous_hash", table: "audit_entries", maxLength: 64, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<string>(name: "hash", table: "audit_entries", maxLength: 64, nullable: false, defaultValue: "");

        migrationBuilder.CreateTable(
            name: "audit_chain_head",
            columns: t => new
            {
                id = t.Column<int>(nullable: false),
                sequence = t.Column<long>(nullable: false),
                hash = t.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_chain_head", x => x.id));

        migrationBuilder.CreateTable(
            name: "audit_checkpoints",
            columns: t => new
            {
                number = t.Column<long>(nullable: false),
                from_sequence = t.Column<long>(nullable: false),
                to_sequence = t.Column<long>(nullable: false),
                merkle_root = t.Column<string>(maxLength: 64, nullable: false),
                chain_hash = t.Column<string>(maxLength: 64, nullable: false),
                sealed_at = t.Column<DateTime>(nullable: false),
                key_id = t.Column<string>(maxLength: 64, nullable: false),
                signature = t.Column<string>(maxLength: 2000, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_checkpoints", x => x.number));
        migrationBuilder.CreateIndex("ix_audit_checkpoints_from_sequence", "audit_checkpoints", "from_sequence", unique: true);

        migrationBuilder.CreateTable(
            name: "audit_keys",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 64, nullable: false),
                private_key_pem = t.Column<string>(maxLength: 4000, nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_keys", x => x.id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("audit_keys");
        migrationBuilder.DropTable("audit_checkpoints");
        migrationBuilder.DropTable("audit_chain_head");
        migrationBuilder.DropColumn("hash", "audit_entries");
        migrationBuilder.DropColumn("previous_hash", "audit_entries");
    }
}
