using System.Text.Json;
using Federation.AccessRequests.Domain;
using Federation.AccessRequests.Entitlements;
using Federation.AccessRequests.Visas;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Federation.AccessRequests.Data;

/// <summary>The access role's own database: requests with their datasets, votes and comments; review policies; entitlements; visa keys; outbox and inbox.</summary>
public sealed class AccessDbContext(DbContextOptions<AccessDbContext> options) : ServiceDbContext(options)
{
    public DbSet<AccessRequest> AccessRequests => Set<AccessRequest>();
    public DbSet<RequestedDataset> RequestedDatasets => Set<RequestedDataset>();
    public DbSet<ReviewPolicy> ReviewPolicies => Set<ReviewPolicy>();
    public DbSet<Entitlement> Entitlements => Set<Entitlement>();
    public DbSet<VisaKey> VisaKeys => Set<VisaKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AccessRequest>(e =>
        {
            e.ToTable("access_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.Title).HasMaxLength(AccessRequestLimits.TitleLength);
            e.Property(r => r.Purpose).HasMaxLength(AccessRequestLimits.PurposeLength);
            e.Property(r => r.PurposeTerms).HasMaxLength(8000).HasConversion(
                terms => terms == null ? null : JsonSerializer.Serialize(terms, Json),
                text => text == null ? null : JsonSerializer.Deserialize<ResearchPurposeTerms>(text, Json));
            e.Property(r => r.Applicant).HasMaxLength(AccessRequestLimits.SubjectLength);
            StringList(e.Property(r => r.Team), 12000);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(40);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.Ignore(r => r.DatasetIds);
            e.HasIndex(r => new { r.Applicant, r.CreatedAt });
            // The review clock looks for idle drafts and returned requests.
            e.HasIndex(r => new { r.State, r.UpdatedAt });
            e.HasMany(r => r.Datasets).WithOne().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Votes).WithOne().HasForeignKey(v => v.RequestId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Comments).WithOne().HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(r => r.Datasets).AutoInclude();
            e.Navigation(r => r.Votes).AutoInclude();
            e.Navigation(r => r.Comments).AutoInclude();
        });
        modelBuilder.Entity<RequestedDataset>(e =>
        {
            e.ToTable("requested_datasets");
            e.HasKey(d => new { d.RequestId, d.DatasetId });
            e.Property(d => d.DatasetId).HasMaxLength(AccessRequestLimits.DatasetIdLength);
            e.Property(d => d.DataHolder).HasMaxLength(AccessRequestLimits.HolderLength);
            e.Property(d => d.State).HasConversion<string>().HasMaxLength(40);
            e.Property(d => d.ConsentOutcome).HasMaxLength(20);
            StringList(e.Property(d => d.ConsentReasons), 20000);
            StringList(e.Property(d => d.ConsentObligations), 20000);
            e.Property(d => d.Conditions).HasMaxLength(AccessRequestLimits.ConditionsLength * 4);
            e.Property(d => d.OverrideReason).HasMaxLength(AccessRequestLimits.CommentLength);
            e.Ignore(d => d.AwaitsHolder);
            // The review clock's and the reviewers' inbox queries.
            e.HasIndex(d => d.RemindAt);
            e.HasIndex(d => d.EscalateAt);
            e.HasIndex(d => new { d.DataHolder, d.State });
        });
        modelBuilder.Entity<ReviewVote>(e =>
        {
            e.ToTable("review_votes");
            e.HasKey(v => new { v.RequestId, v.Round, v.DatasetId, v.Member });
            e.Property(v => v.DatasetId).HasMaxLength(AccessRequestLimits.DatasetIdLength);
            e.Property(v => v.Member).HasMaxLength(AccessRequestLimits.SubjectLength);
            e.Property(v => v.Comment).HasMaxLength(AccessRequestLimits.CommentLength);
            e.Property(v => v.Conditions).HasMaxLength(AccessRequestLimits.ConditionsLength);
            e.Property(v => v.OverrideReason).HasMaxLength(AccessRequestLimits.CommentLength);
        });
        modelBuilder.Entity<ReviewComment>(e =>
        {
            e.ToTable("review_comments");
            e.HasKey(c => c.Id);
            // Ids are set by the domain: without this EF takes a new comment added through the request's
            // collection for an existing row (a generated key already set) and updates nothing.
            e.Property(c => c.Id).ValueGeneratedNever();
            e.Property(c => c.Author).HasMaxLength(AccessRequestLimits.SubjectLength);
            e.Property(c => c.Text).HasMaxLength(AccessRequestLimits.CommentLength);
        });
        modelBuilder.Entity<ReviewPolicy>(e =>
        {
            e.ToTable("review_policies");
            e.HasKey(p => p.DataHolder);
            e.Property(p => p.DataHolder).HasMaxLength(AccessRequestLimits.HolderLength);
            e.Property(p => p.Rule).HasConversion<string>().HasMaxLength(20);
            StringList(e.Property(p => p.Members), 12000);
            e.Property(p => p.Version).IsConcurrencyToken();
            e.Ignore(p => p.ApprovalsNeeded);
        });
        modelBuilder.Entity<Entitlement>(e =>
        {
            e.ToTable("entitlements");
            e.HasKey(x => x.Id);
            e.Property(x => x.Subject).HasMaxLength(AccessRequestLimits.SubjectLength);
            e.Property(x => x.DatasetId).HasMaxLength(AccessRequestLimits.DatasetIdLength);
            e.Property(x => x.DataHolder).HasMaxLength(AccessRequestLimits.HolderLength);
            e.Property(x => x.Conditions).HasMaxLength(AccessRequestLimits.ConditionsLength * 4);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.EndReason).HasMaxLength(AccessRequestLimits.CommentLength);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.Subject);
            e.HasIndex(x => x.DataHolder);
            e.HasIndex(x => x.RequestId);
            // The review clock expires active entitlements at their end.
            e.HasIndex(x => new { x.State, x.End });
        });
        VisaKeyModel.Configure(modelBuilder);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // JSON text rather than a provider's array type, so that one hand-written migration fits SQLite and PostgreSQL.
    private static void StringList(PropertyBuilder<List<string>> property, int maxLength) =>
        property.HasMaxLength(maxLength).HasConversion(
            list => JsonSerializer.Serialize(list, Json),
            text => JsonSerializer.Deserialize<List<string>>(text, Json) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s)), l => l.ToList()));
}
