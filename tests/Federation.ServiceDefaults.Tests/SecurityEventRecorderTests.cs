using Federation.Contracts.Security;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

/// <summary>The bound on what a flood of refused requests can cost: counters, a bounded number of keys per window, every request counted.</summary>
public sealed class SecurityEventRecorderTests
{
    private static SecurityEventRecorder Recorder(int maxKeys) =>
        new(Options.Create(new SecurityOptions { AuditMaxKeysPerWindow = maxKeys }), new ActiveRoles(["access", "identity"]), TimeProvider.System);

    [Fact]
    public void A_flood_from_one_caller_on_one_route_is_one_event_with_its_count()
    {
        var recorder = Recorder(maxKeys: 10);
        for (var i = 0; i < 10_000; i++)
            recorder.Observe(Refused("/api/access-requests/{id}", 401));

        var observed = Assert.IsType<SecurityEventsObserved>(Assert.Single(recorder.CloseWindow()));
        Assert.Equal((SecurityEventKinds.RequestRefused, 10_000, "/api/access-requests/{id}", 401, "no token", "access,identity"),
            (observed.Kind, observed.Count, observed.Route, observed.Status, observed.Reason, observed.Service));
        Assert.Equal(("anonymous", 1L, $"security:{recorder.Reporter}"), (observed.Caller, observed.AggregateVersion, observed.AggregateId));
        Assert.Empty(recorder.CloseWindow()); // the next window starts empty
    }

    [Fact]
    public void Past_the_bound_further_keys_are_counted_together_and_nothing_is_lost()
    {
        var recorder = Recorder(maxKeys: 3);
        for (var route = 0; route < 50; route++)
            for (var i = 0; i < 4; i++)
                recorder.Observe(Refused($"/api/r{route}", route % 2 == 0 ? 401 : 403));

        var events = recorder.CloseWindow().Cast<SecurityEventsObserved>().ToList();
        Assert.Equal(3, events.Count(e => !e.Overflow));
        var overflow = events.Where(e => e.Overflow).ToList();
        Assert.Equal([401, 403], overflow.Select(e => e.Status).Order());
        Assert.All(overflow, e => Assert.Equal(("*", "*"), (e.Caller, e.Route)));
        Assert.Equal(200, events.Sum(e => e.Count));
        // Reports are numbered without gaps, so a lost one would show.
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.AggregateVersion).Order());
    }

    [Fact]
    public void Folding_unwritten_events_keeps_every_count()
    {
        var recorder = Recorder(maxKeys: 100);
        for (var route = 0; route < 40; route++)
            recorder.Observe(Refused($"/api/r{route}", 429));
        var folded = recorder.Fold(recorder.CloseWindow()).Cast<SecurityEventsObserved>().ToList();
        var single = Assert.Single(folded);
        Assert.Equal((40, true, 429), (single.Count, single.Overflow, single.Status));
    }

    [Fact]
    public void Successful_responses_and_refusals_recorded_by_a_precise_kind_are_not_counted_again()
    {
        var recorder = Recorder(maxKeys: 10);
        recorder.Observe(Refused("/api/ok", 200));
        var login = Refused("/account/login", 401);
        recorder.SignIn(login, "mallory", account: null, 401);
        recorder.Observe(login);

        var observed = Assert.IsType<SecurityEventsObserved>(Assert.Single(recorder.CloseWindow()));
        Assert.Equal((SecurityEventKinds.SignInFailed, "mallory", 1), (observed.Kind, observed.Claimed, observed.Count));
    }

    private static DefaultHttpContext Refused(string route, int status)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Response.StatusCode = status;
        http.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(route), 0, EndpointMetadataCollection.Empty, route));
        return http;
    }
}
