namespace Federation.AccessRequests.Domain;

/// <summary>One dataset of a request: its sub-request at its data holder, with the consent check and review timers.</summary>
public sealed class RequestedDataset
{
    public Guid RequestId { get; set; }

    public string DatasetId { get; set; } = "";

    /// <summary>Position in the applicant's list, so the request reads back as it was written.</summary>
    public int Position { get; set; }

    /// <summary>Learnt from the consent role's check (the holder its data-use conditions name); null until then.</summary>
    public string? DataHolder { get; set; }

    public SubRequestState State { get; set; }

    /// <summary>permit, deny or needs_review; null until the consent role's check has arrived.</summary>
    public string? ConsentOutcome { get; set; }

    public List<string> ConsentReasons { get; set; } = [];
    public List<string> ConsentObligations { get; set; } = [];
    public int? ConsentConditionsVersion { get; set; }

    /// <summary>Conditions the holder attached to its approval (proposed until the applicant accepts them).</summary>
    public string? Conditions { get; set; }

    /// <summary>Why a reviewer approved despite a consent-check deny.</summary>
    public string? OverrideReason { get; set; }

    public DateTime? RemindAt { get; set; }
    public DateTime? EscalateAt { get; set; }
    public DateTime? RemindedAt { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public DateTime? DecidedAt { get; set; }

    /// <summary>Still waiting for its holder to decide (the review timers run only then).</summary>
    public bool AwaitsHolder => State is SubRequestState.Pending or SubRequestState.UnderReview;
}

/// <summary>One DAC member's vote on one dataset in one review round (a resubmission starts a new round).</summary>
public sealed class ReviewVote
{
    public Guid RequestId { get; set; }
    public int Round { get; set; }
    public string DatasetId { get; set; } = "";
    public string Member { get; set; } = "";
    public bool Approve { get; set; }
    public string? Comment { get; set; }
    public string? Conditions { get; set; }
    public string? OverrideReason { get; set; }
    public DateTime CastAt { get; set; }
}

public sealed class ReviewComment
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public string Author { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime At { get; set; }
}
