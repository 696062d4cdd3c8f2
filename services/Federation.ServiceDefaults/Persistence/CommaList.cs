using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Federation.ServiceDefaults.Persistence;

public static class CommaList
{
    /// <summary>
    /// Stores a list of ids as one comma-joined column: provider-neutral, and unambiguous because the ids it is
    /// used for (data holders, dataset ids, DUO/MONDO codes, country codes) hold no commas.
    /// </summary>
    public static PropertyBuilder<List<string>> AsCommaList(this PropertyBuilder<List<string>> property, int maxLength) =>
        property.HasMaxLength(maxLength).HasConversion(
            list => string.Join(',', list),
            text => text.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s)), l => l.ToList()));
}
