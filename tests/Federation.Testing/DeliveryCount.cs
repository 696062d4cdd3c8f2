namespace Federation.Testing;

/// <summary>The ledger of a fault test: what was accepted against what arrived, printed as numbers.</summary>
public sealed record DeliveryCount(int Sent, int Accepted, int Delivered, int Lost, int Duplicated, int Unaccepted, TimeSpan Recovery)
{
    /// <param name="accepted">Ids the API accepted (2xx).</param>
    /// <param name="sent">Requests attempted, accepted or not.</param>
    /// <param name="recorded">Entries per aggregate id in the consuming service.</param>
    public static DeliveryCount Of(int sent, IReadOnlyCollection<Guid> accepted, IReadOnlyDictionary<string, int> recorded, TimeSpan recovery)
    {
        var acceptedIds = accepted.Select(a => a.ToString()).ToHashSet();
        return new DeliveryCount(
            sent,
            accepted.Count,
            recorded.Count(r => acceptedIds.Contains(r.Key)),
            acceptedIds.Count(id => !recorded.ContainsKey(id)),
            recorded.Values.Sum(n => Math.Max(0, n - 1)),
            // Committed but the caller never heard so (its connection died): delivered once, not counted as accepted.
            recorded.Keys.Count(id => !acceptedIds.Contains(id)),
            recovery);
    }

    public override string ToString() =>
        $"sent {Sent} / accepted {Accepted} / delivered {Delivered} / lost {Lost} / duplicated {Duplicated} / " +
        $"committed-but-unacknowledged {Unaccepted} / recovery {Recovery.TotalSeconds:0.0} s";
}
