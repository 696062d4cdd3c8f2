using Federation.NodeAgent.Audit;
using Federation.NodeAgent.Indexing;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Data;

/// <summary>
/// The node's own database: the image index (one row per instance, no pixels, no names) with its
/// subject-level summary, the change-log cursor, what it has published, and its outbox. The index lives
/// here rather than in memory, so a node holding millions of images stays small.
/// </summary>
public sealed class NodeAgentDbContext(DbContextOptions<NodeAgentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<IndexedInstance> Instances => Set<IndexedInstance>();
    public DbSet<IndexCursor> Cursors => Set<IndexCursor>();
    public DbSet<PublishedDataset> Published => Set<PublishedDataset>();
    public DbSet<WithdrawnSubject> Withdrawn => Set<WithdrawnSubject>();
    public DbSet<IndexedSubject> Subjects => Set<IndexedSubject>();
    public DbSet<SubjectKind> SubjectKinds => Set<SubjectKind>();
    public DbSet<Airlock.HeldRelease> HeldReleases => Set<Airlock.HeldRelease>();

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
            e.Ignore(i => i.Subject);
            // Summaries are rebuilt a subject at a time: by collection, then patient.
            e.HasIndex(i => new { i.Collection, i.PatientId });
        });
        modelBuilder.Entity<IndexedSubject>(e =>
        {
            e.ToTable("indexed_subjects");
            e.HasKey(s => new { s.Collection, s.PatientId });
            e.Property(s => s.Collection).HasMaxLength(100);
            e.Property(s => s.PatientId).HasMaxLength(100);
            e.Property(s => s.Sex).HasMaxLength(1);
        });
        modelBuilder.Entity<SubjectKind>(e =>
        {
            e.ToTable("indexed_subject_kinds");
            // Led by the collection: a count reads one dataset's rows in subject order, ready for grouping.
            e.HasKey(k => new { k.Collection, k.PatientId, k.Modality, k.BodyPart });
            e.Property(k => k.Collection).HasMaxLength(100);
            e.Property(k => k.PatientId).HasMaxLength(100);
            e.Property(k => k.Modality).HasMaxLength(16);
            e.Property(k => k.BodyPart).HasMaxLength(64);
            e.Property(k => k.Sex).HasMaxLength(1);
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
        modelBuilder.Entity<Airlock.HeldRelease>(e =>
        {
            e.ToTable("held_releases");
            e.HasKey(r => r.Id);
            e.Property(r => r.TaskId).HasMaxLength(32);
            e.Property(r => r.Dataset).HasMaxLength(200);
            e.Property(r => r.Algorithm).HasMaxLength(500);
            e.Property(r => r.Owner).HasMaxLength(200);
            e.Property(r => r.PartState).HasMaxLength(20);
            e.Property(r => r.PartReason).HasMaxLength(1000);
            e.Property(r => r.State).HasMaxLength(20);
            e.Property(r => r.DecidedBy).HasMaxLength(200);
            e.Property(r => r.Reason).HasMaxLength(1000);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasIndex(r => new { r.State, r.Id });
        });
        modelBuilder.Entity<PublishedDataset>(e =>
        {
            e.ToTable("published_datasets");
            e.HasKey(p => p.DatasetId);
            e.Property(p => p.DatasetId).HasMaxLength(200);
            e.Property(p => p.Fingerprint).HasMaxLength(64);
        });
        modelBuilder.MapLocalAudit(); // the node's own audit chain (Audit/)
    }
}
