using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.Identity.Data.Migrations;

/// <summary>Written once for PostgreSQL and SQLite (see ServiceDefaults/README.md, "Schema"); the oidc_* tables are OpenIddict's entities.</summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261128120000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();

        migrationBuilder.CreateTable(
            name: "accounts",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 64, nullable: false),
                user_name = t.Column<string>(maxLength: 64, nullable: false),
                normalized_user_name = t.Column<string>(maxLength: 64, nullable: false),
                display_name = t.Column<string>(maxLength: 200, nullable: false),
                password_hash = t.Column<string>(maxLength: 200, nullable: false),
                role = t.Column<string>(maxLength: 40, nullable: false),
                data_holders = t.Column<string>(maxLength: 2000, nullable: false),
                node = t.Column<string>(maxLength: 100, nullable: true),
                created_at = t.Column<DateTime>(nullable: false),
                disabled = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_accounts", x => x.id));
        migrationBuilder.CreateIndex("ix_accounts_normalized_user_name", "accounts", "normalized_user_name", unique: true);

        migrationBuilder.CreateTable(
            name: "keys",
            columns: t => new
            {
                id = t.Column<string>(maxLength: 64, nullable: false),
                use = t.Column<string>(maxLength: 8, nullable: false),
                private_key_pem = t.Column<string>(maxLength: 8000, nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
                retired_at = t.Column<DateTime>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_keys", x => x.id));

        migrationBuilder.CreateTable(
            name: "oidc_applications",
            columns: t => new
            {
                id = t.Column<string>(nullable: false),
                application_type = t.Column<string>(maxLength: 50, nullable: true),
                client_id = t.Column<string>(maxLength: 100, nullable: true),
                client_secret = t.Column<string>(nullable: true),
                client_type = t.Column<string>(maxLength: 50, nullable: true),
                concurrency_token = t.Column<string>(maxLength: 50, nullable: true),
                consent_type = t.Column<string>(maxLength: 50, nullable: true),
                display_name = t.Column<string>(nullable: true),
                display_names = t.Column<string>(nullable: true),
                json_web_key_set = t.Column<string>(nullable: true),
                permissions = t.Column<string>(nullable: true),
                post_logout_redirect_uris = t.Column<string>(nullable: true),
                properties = t.Column<string>(nullable: true),
                redirect_uris = t.Column<string>(nullable: true),
                requirements = t.Column<string>(nullable: true),
                settings = t.Column<string>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_oidc_applications", x => x.id));
        migrationBuilder.CreateIndex("ix_oidc_applications_client_id", "oidc_applications", "client_id", unique: true);

        migrationBuilder.CreateTable(
            name: "oidc_scopes",
            columns: t => new
            {
                id = t.Column<string>(nullable: false),
                concurrency_token = t.Column<string>(maxLength: 50, nullable: true),
                description = t.Column<string>(nullable: true),
                descriptions = t.Column<string>(nullable: true),
                display_name = t.Column<string>(nullable: true),
                display_names = t.Column<string>(nullable: true),
                name = t.Column<string>(maxLength: 200, nullable: true),
                properties = t.Column<string>(nullable: true),
                resources = t.Column<string>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_oidc_scopes", x => x.id));
        migrationBuilder.CreateIndex("ix_oidc_scopes_name", "oidc_scopes", "name", unique: true);

        migrationBuilder.CreateTable(
            name: "oidc_authorizations",
            columns: t => new
            {
                id = t.Column<string>(nullable: false),
                application_id = t.Column<string>(nullable: true),
                concurrency_token = t.Column<string>(maxLength: 50, nullable: true),
                creation_date = t.Column<DateTime>(nullable: true),
                properties = t.Column<string>(nullable: true),
                scopes = t.Column<string>(nullable: true),
                status = t.Column<string>(maxLength: 50, nullable: true),
                subject = t.Column<string>(maxLength: 400, nullable: true),
                type = t.Column<string>(maxLength: 50, nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_oidc_authorizations", x => x.id);
                t.ForeignKey("fk_oidc_authorizations_oidc_applications_application_id", x => x.application_id, "oidc_applications", "id");
            });
        migrationBuilder.CreateIndex("ix_oidc_authorizations_application_id_status_subject_type", "oidc_authorizations",
            ["application_id", "status", "subject", "type"]);

        migrationBuilder.CreateTable(
            name: "oidc_tokens",
            columns: t => new
            {
                id = t.Column<string>(nullable: false),
                application_id = t.Column<string>(nullable: true),
                authorization_id = t.Column<string>(nullable: true),
                concurrency_token = t.Column<string>(maxLength: 50, nullable: true),
                creation_date = t.Column<DateTime>(nullable: true),
                expiration_date = t.Column<DateTime>(nullable: true),
                payload = t.Column<string>(nullable: true),
                properties = t.Column<string>(nullable: true),
                redemption_date = t.Column<DateTime>(nullable: true),
                reference_id = t.Column<string>(maxLength: 100, nullable: true),
                status = t.Column<string>(maxLength: 50, nullable: true),
                subject = t.Column<string>(maxLength: 400, nullable: true),
                type = t.Column<string>(maxLength: 150, nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_oidc_tokens", x => x.id);
                t.ForeignKey("fk_oidc_tokens_oidc_applications_application_id", x => x.application_id, "oidc_applications", "id");
                t.ForeignKey("fk_oidc_tokens_oidc_authorizations_authorization_id", x => x.authorization_id, "oidc_authorizations", "id");
            });
        migrationBuilder.CreateIndex("ix_oidc_tokens_application_id_status_subject_type", "oidc_tokens", ["application_id", "status", "subject", "type"]);
        migrationBuilder.CreateIndex("ix_oidc_tokens_authorization_id", "oidc_tokens", "authorization_id");
        migrationBuilder.CreateIndex("ix_oidc_tokens_reference_id", "oidc_tokens", "reference_id", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("oidc_tokens");
        migrationBuilder.DropTable("oidc_authorizations");
        migrationBuilder.DropTable("oidc_scopes");
        migrationBuilder.DropTable("oidc_applications");
        migrationBuilder.DropTable("keys");
        migrationBuilder.DropTable("accounts");
        migrationBuilder.DropTable(OutboxSchema.InboxTable);
        migrationBuilder.DropTable(OutboxSchema.OutboxTable);
    }
}
