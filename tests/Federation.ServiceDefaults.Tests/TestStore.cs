using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.ServiceDefaults.Tests;

/// <summary>A minimal service store for exercising the outbox and inbox: one table of notes.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : ServiceDbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Note>(e =>
        {
            e.ToTable("notes");
            e.HasKey(n => n.Id);
            e.Property(n => n.Text).HasMaxLength(200);
            e.HasIndex(n => n.Text).IsUnique();
        });
    }
}

public sealed class Note
{
    public Guid Id { get; set; }

    public string Text { get; set; } = "";
}

[DbContext(typeof(TestDbContext))]
[Migration("20261128000000_Initial")]
public sealed class TestInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxAndInbox();
        migrationBuilder.CreateTable(
            name: "notes",
            columns: t => new { id = t.Column<Guid>(nullable: false), text = t.Column<string>(maxLength: 200, nullable: false) },
            constraints: t => t.PrimaryKey("pk_notes", x => x.id));
        migrationBuilder.CreateIndex("ix_notes_text", "notes", "text", unique: true);
    }
}
