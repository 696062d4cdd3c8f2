using System.Text;
using System.Text.RegularExpressions;
using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Airlock;

/// <summary>
/// The automatic airlock for what a researcher's own code produced at this node (built-in algorithms release fixed
/// aggregates and pass by construction): within the size limit, and no identifier of the dataset's subjects, studies
/// or series anywhere in the logs or outputs. Identifiers are matched as whole tokens against the node's own index,
/// so a PatientID printed by a careless (or curious) script stops the release with the reason.
/// </summary>
public static partial class AirlockChecks
{
    public static async Task<string?> Refusal(NodeAgentDbContext db, DatasetSettings dataset, string released, int limitBytes, CancellationToken cancellationToken)
    {
        var size = Encoding.UTF8.GetByteCount(released);
        if (size > limitBytes)
            return $"the result is {size} bytes, more than the {limitBytes} this node lets out";
        var tokens = Tokens().Matches(released).Select(m => m.Value.TrimEnd('.', '-', '_')).Where(t => t.Length >= 3).ToHashSet(StringComparer.Ordinal);
        if (tokens.Count == 0)
            return null;
        // Asked of the index in batches: a token list can be long, an IN list must not be.
        foreach (var batch in tokens.Chunk(500))
        {
            var subject = await db.Subjects.AsNoTracking().Where(s => s.Collection == dataset.Collection && batch.Contains(s.PatientId))
                .Select(s => s.PatientId).FirstOrDefaultAsync(cancellationToken);
            var uid = subject ?? await db.Instances.AsNoTracking()
                .Where(i => i.Collection == dataset.Collection && (batch.Contains(i.StudyUid) || batch.Contains(i.SeriesUid)))
                .Select(i => batch.Contains(i.StudyUid) ? i.StudyUid : i.SeriesUid).FirstOrDefaultAsync(cancellationToken);
            if (subject is not null)
                return "the result names a subject of the dataset (a PatientID): subject identifiers never leave the node";
            if (uid is not null)
                return "the result names a study or series of the dataset (a DICOM UID): identifiers never leave the node";
        }
        return null;
    }

    // Identifier-shaped runs: letters, digits and the separators DICOM IDs and UIDs use.
    [GeneratedRegex(@"[A-Za-z0-9][A-Za-z0-9._\-]*")]
    private static partial Regex Tokens();
}
