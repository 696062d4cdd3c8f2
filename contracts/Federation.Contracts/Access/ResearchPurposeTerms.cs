namespace Federation.Contracts.Access;

/// <summary>
/// A research purpose in DUO terms, as a researcher states it on an access request and as the consent
/// role checks it against each dataset's data-use conditions.
/// </summary>
/// <param name="Purposes">DUO research-purpose codes (DUO:0000031 … DUO:0000040).</param>
/// <param name="DiseaseCodes">MONDO codes the research is about (for disease-specific conditions).</param>
/// <param name="Commercial">Whether the use is commercial.</param>
/// <param name="ForProfitOrganisation">Whether the requesting organisation is for-profit.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country of the requester.</param>
public sealed record ResearchPurposeTerms(
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> DiseaseCodes,
    bool Commercial,
    bool ForProfitOrganisation,
    string? Country,
    string? Institution,
    string? Project);
