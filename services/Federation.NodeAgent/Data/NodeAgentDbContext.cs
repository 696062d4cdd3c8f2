using Federation.NodeAgent.Indexing;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Data;

/// <summary>
/// The node's own database: the image index (one row per instance, no pixels, no names), the change-log
/// cursor, what it has published, and its outbox. The index lives here rather than in memory, so a node
/// holding millions of images stays small.
/// </summary>
public sealed class NodeAgentDbContext(DbContextOptions<NodeAgentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<IndexedInstance> Instances => Set<IndexedInstance>();
    public DbSet<IndexCursor> Cursors => Set<IndexCursor>();
    public DbSet<PublishedDataset> Published => Set<PublishedDataset>();
    public DbSet<WithdrawnSubject> Withdrawn => Set<WithdrawnSubject>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<IndexedInstance>(e =>
        {
            e.ToTable("indexed_instances");
            e.HasKey(i => i.InstanceId);
            e.Property(i => i.InstanceId).HasMaxLength(100);
            e.Property(i => i.Collection).HasMaxLength(100);
            e.Property(i => i.PatientId).HasMaxLength(100);
            e.Property(i => i.StudyUid).HasMaxLength(100);
            e.Property(i => i.SeriesUid).HasMaxLength(100);
            e.Property(i => i.Modality).HasMaxLength(16);
            e.Property(i => i.BodyPart).HasMaxLength(64);
            e.Property(i => i.Sex).HasMaxLength(1);
            // Every dataset query filters on the collection first.
            e.HasIndex(i => new { i.Collection, i.PatientId });
        });
        modelBuilder.Entity<IndexCursor>(e =>
        {
            e.ToTable("index_cursor");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<WithdrawnSubject>(e =>
        {
            e.ToTable("withdrawn_subjects");
            e.HasKey(w => new { w.DatasetId, w.SubjectId });
            e.Property(w => w.DatasetId).HasMaxLength(200);
            e.Property(w => w.SubjectId).HasMaxLength(200);
        });
        modelBuilder.Entity<PublishedDataset>(e =>
        {
            e.ToTable("published_datasets");
            e.HasKey(p => p.DatasetId);
            e.Property(p => p.DatasetId).HasMaxLength(200);
            e.Property(p => p.Fingerprint).HasMaxLength(64);
        });
    }
}
