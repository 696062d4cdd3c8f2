using Federation.AccessRequests.Domain;
using Federation.Contracts;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;
using Xunit;

namespace Federation.AccessRequests.Tests;

public sealed class AccessRequestTests
{
    private static readonly EventStamp Researcher = new(new Actor("alice", "user", "researcher"), Guid.NewGuid(), TimeProvider.System);

    [Fact]
    public void A_draft_starts_at_version_1_and_says_so_in_its_event()
    {
        var (request, drafted) = AccessRequest.Draft("Liver CT", ["ds-a", "ds-b"], null, Researcher);

        Assert.Equal((AccessRequestState.Draft, 1L, "alice"), (request.State, request.Version, request.Applicant));
        Assert.Equal((request.Id.ToString(), 1L, "alice", Researcher.CorrelationId),
            (drafted.AggregateId, drafted.AggregateVersion, drafted.Actor.Subject, drafted.CorrelationId));
        Assert.NotEqual(Guid.Empty, drafted.EventId);
        Assert.Equal(["ds-a", "ds-b"], drafted.DatasetIds);
    }

    [Fact]
    public void Submitting_a_draft_bumps_the_version_and_carries_the_whole_request()
    {
        var (request, _) = AccessRequest.Draft("Liver CT", ["ds-a"], "method development", Researcher);

        var submitted = request.Submit(Researcher);

        Assert.Equal((AccessRequestState.Submitted, 2L), (request.State, request.Version));
        Assert.Equal((2L, "Liver CT", "method development"), (submitted.AggregateVersion, submitted.Title, submitted.Purpose));
        Assert.Empty(request.AllowedActions());
    }

    [Fact]
    public void Submitting_twice_is_refused_with_the_allowed_actions()
    {
        var (request, _) = AccessRequest.Draft("Liver CT", ["ds-a"], null, Researcher);
        request.Submit(Researcher);

        var refused = Assert.Throws<InvalidTransitionException>(() => request.Submit(Researcher));

        Assert.Equal(("submitted", "submit"), (refused.State, refused.Action));
        Assert.Empty(refused.Allowed);
        Assert.Equal(2, request.Version);
    }
}
