using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Images;

/// <summary>A dataset's images as code may see them: every indexed image of its collection, subjects who withdrew consent left out, in a stable order.</summary>
public static class DatasetImages
{
    public static IQueryable<Indexing.IndexedInstance> Of(NodeAgentDbContext db, DatasetSettings dataset) =>
        db.Instances.AsNoTracking()
            .Where(i => i.Collection == dataset.Collection && !db.Withdrawn.Any(w => w.DatasetId == dataset.Id && w.SubjectId == i.PatientId));

    public static Task<List<string>> Ids(NodeAgentDbContext db, DatasetSettings dataset, CancellationToken cancellationToken) =>
        Of(db, dataset).OrderBy(i => i.InstanceId).Select(i => i.InstanceId).ToListAsync(cancellationToken);

    /// <summary>An image's file name: the PACS's opaque id (Orthanc's are hex and dashes; the synthetic cohort's hold a slash) and its extension.</summary>
    public static string FileNameOf(string id, string extension) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + extension;
}
