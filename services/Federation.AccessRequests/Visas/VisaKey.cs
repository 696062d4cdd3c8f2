using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.AccessRequests.Visas;

/// <summary>An RSA key the access role signs visas with (private, PKCS#8 PEM). Newest signs; older ones stay published.</summary>
public sealed class VisaKey
{
    public string Id { get; set; } = "";
    public string PrivateKeyPem { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>The visa_keys table, described once for the model and once for the migration.</summary>
public static class VisaKeyModel
{
    public static void Configure(ModelBuilder builder) => builder.Entity<VisaKey>(e =>
    {
        e.ToTable("visa_keys");
        e.HasKey(k => k.Id);
        e.Property(k => k.Id).HasMaxLength(64);
        e.Property(k => k.PrivateKeyPem).HasMaxLength(8000);
    });

    public static void CreateTable(MigrationBuilder migration) => migration.CreateTable(
        name: "visa_keys",
        columns: t => new
        {
            id = t.Column<string>(maxLength: 64, nullable: false),
            private_key_pem = t.Column<string>(maxLength: 8000, nullable: false),
            created_at = t.Column<DateTime>(nullable: false),
        },
        constraints: t => t.PrimaryKey("pk_visa_keys", x => x.id));
}
