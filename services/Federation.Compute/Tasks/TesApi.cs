using System.Security.Claims;
using System.Text.Json;
using Federation.Compute.Data;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.Compute.Tasks;

/// <summary>
/// GA4GH TES 1.1 under <c>/ga4gh/tes/v1</c>: service-info, create, list (views MINIMAL, BASIC, FULL; paging), get,
/// cancel. Every task is routed when it is created; its decision is at <c>/api/routing/{id}</c>. A task the router
/// refuses ends in SYSTEM_ERROR with the refusing rule and its remedy in its system log, so a plain TES client sees why.
/// </summary>
public static class TesApi
{
    private const string Prefix = "/ga4gh/tes/v1";

    public static IEndpointRouteBuilder MapTesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{Prefix}/service-info", ServiceInfo).WithTags("TES").WithName("TesServiceInfo").AllowAnonymous()
            .WithSummary("GA4GH service-info of this TES service, with the backend parameters it understands");
        var tes = app.MapGroup($"{Prefix}/tasks").WithTags("TES");
        tes.MapPost("/", Create).WithName("TesCreateTask")
            .WithSummary("Create a task: datasets as inputs with url federation://datasets/<id>; GPUs and placement as backend parameters")
            .RequireScope(FederationScopes.Compute, FederationRoles.Researcher, FederationRoles.PlatformAdmin).LimitedAsWrite();
        tes.MapGet("/", List).WithName("TesListTasks").WithSummary("Your tasks, newest last; view MINIMAL (default), BASIC or FULL; paged")
            .RequireScope(FederationScopes.Compute, FederationRoles.Researcher, FederationRoles.PlatformAdmin);
        tes.MapGet("/{id}", Get).WithName("TesGetTask").WithSummary("One of your tasks; view MINIMAL (default), BASIC or FULL")
            .RequireScope(FederationScopes.Compute, FederationRoles.Researcher, FederationRoles.PlatformAdmin);
        tes.MapPost("/{id}:cancel", Cancel).WithName("TesCancelTask").WithSummary("Cancel one of your tasks (nothing happens to a finished one)")
            .RequireScope(FederationScopes.Compute, FederationRoles.Researcher, FederationRoles.PlatformAdmin).LimitedAsWrite();
        app.MapGet("/api/routing/{id}", Decision).WithTags("Routing").WithName("GetRoutingDecision")
            .WithSummary("Why a task runs where it runs, or why it was refused: the plan, every check, every rejected alternative")
            .RequireScope(FederationScopes.Compute, FederationRoles.Researcher, FederationRoles.PlatformAdmin);
        return app;
    }

    private static Ok<TesServiceInfo> ServiceInfo() => TypedResults.Ok(new TesServiceInfo(
        "eu.federation.tes", "Federation compute (TES)", new TesServiceType("org.ga4gh", "tes", "1.1.0"),
        "Runs tasks where the data may be: at the nodes holding it, at the central node, or both, as the hybrid router decides.",
        new TesOrganization("Federation", "https://github.com/"), "1.0.0", ["federation://datasets/"], BackendParameters.All));

    private static async Task<Results<Ok<TesCreateTaskResponse>, ValidationProblem>> Create(
        TesTask body, GroupCommit<ComputeDbContext> store, EventStamp stamp, IOptions<CentralOptions> central, Passports passports, HttpContext http)
    {
        var (spec, errors) = TaskSpec.Read(body);
        if (spec is null)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The task is not valid");
        // The caller's visas travel with the parts; fetched before the write, which must not wait on another role.
        var bearer = http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        var visas = await passports.VisasFor(bearer, spec.Datasets, http.RequestAborted);
        var id = Guid.CreateVersion7().ToString("N");
        var owner = stamp.Actor.Subject;
        await store.Write<object?>(async (db, ct) =>
        {
            var task = new TaskRecord
            {
                Id = id,
                Owner = owner,
                Name = body.Name,
                CreatedAt = stamp.Now.UtcDateTime,
                Document = JsonSerializer.Serialize(body with { Id = null, State = null, Logs = null, CreationTime = null }, TaskLifecycle.Json),
                Datasets = [.. spec.Datasets],
                DatasetCount = spec.Datasets.Count,
                Algorithm = spec.Algorithm.Id,
                Training = spec.Training is null ? null : JsonSerializer.Serialize(FederatedRounds.Start(spec.Training), TaskLifecycle.Json),
                WaitForNodes = spec.WaitForNodes,
                Version = 1,
            };
            db.Tasks.Add(task);
            db.Publish(stamp.Stamp(new TaskSubmitted
            {
                TaskId = id, Owner = owner, Name = body.Name, Datasets = spec.Datasets, Algorithm = spec.Algorithm.Id,
                Placement = spec.Preference switch { Routing.PlacementPreference.AtData => "at-data", Routing.PlacementPreference.Central => "central", _ => "auto" },
            }, id, task.Version));

            var (decision, holders) = await TaskRouting.Decide(db, id, owner, spec, central.Value, stamp.Now, ct);
            var routed = new TaskRouted
            {
                TaskId = id, Owner = owner, Routed = decision.Routed, Kind = decision.Kind, Plan = decision.Plan, Aggregator = decision.Aggregator,
                Checks = decision.Rules, Rejected = decision.Rejected, Refusal = decision.Refusal,
            };
            task.Decision = JsonSerializer.Serialize(routed, TaskLifecycle.Json);
            task.Version++;
            db.Publish(stamp.Stamp(routed, id, task.Version));
            if (decision.Refusal is { } refusal)
                TaskLifecycle.Change(db, task, TesStates.SystemError,
                    $"refused by rule {refusal.Rule} for dataset {refusal.Dataset}: {refusal.Reason} To pass: {refusal.Remedy}", stamp);
            else
            {
                TaskLifecycle.Log(task, stamp.Now, $"routed {decision.Kind}: " +
                    string.Join("; ", decision.Plan.Select(p => $"{p.Dataset} {p.Placement} at {p.Location}").DefaultIfEmpty("no datasets, central")) +
                    $"; results meet at {decision.Aggregator}");
                TaskDispatch.Dispatch(db, task, routed, visas, holders, central.Value.PublicUrl!, stamp);
            }
            return null;
        });
        return TypedResults.Ok(new TesCreateTaskResponse(id));
    }

    private static async Task<Results<JsonHttpResult<TesListTasksResponse>, ValidationProblem>> List(
        ComputeDbContext db, ClaimsPrincipal user, string? view, string? name_prefix, string? state, int? page_size, string? page_token,
        CancellationToken cancellationToken)
    {
        if (ParseView(view) is not { } chosen)
            return BadView();
        if (page_size is < 1 or > 2048)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page_size"] = ["1 to 2048."] }, type: ProblemTypes.Validation);
        if (state is not null && !TesStates.All.Contains(state))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [$"One of: {string.Join(", ", TesStates.All)}."] },
                type: ProblemTypes.Validation);
        var query = Visible(db, user);
        if (name_prefix is not null)
            query = query.Where(t => t.Name != null && t.Name.StartsWith(name_prefix));
        if (state is not null)
            query = query.Where(t => t.State == state);
        if (page_token is not null)
            query = query.Where(t => string.Compare(t.Id, page_token) > 0);
        var size = page_size ?? 256;
        var page = await query.OrderBy(t => t.Id).Take(size + 1).ToListAsync(cancellationToken);
        var next = page.Count > size ? page[size - 1].Id : null;
        return TypedResults.Json(new TesListTasksResponse(page.Take(size).Select(t => Render(t, chosen)).ToList(), next), TaskLifecycle.Json);
    }

    private static async Task<Results<JsonHttpResult<TesTask>, ValidationProblem, ProblemHttpResult>> Get(
        string id, string? view, ComputeDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var task = await Visible(db, user).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
            return NotFound(id);
        return ParseView(view) is { } chosen ? TypedResults.Json(Render(task, chosen), TaskLifecycle.Json) : BadView();
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Cancel(
        string id, GroupCommit<ComputeDbContext> store, EventStamp stamp, ClaimsPrincipal user)
    {
        var admin = IsAdmin(user);
        var found = await store.Write(async (db, ct) =>
        {
            var task = await db.Tasks.FindAsync([id], ct);
            if (task is null || (!admin && task.Owner != stamp.Actor.Subject))
                return false;
            TaskCancellation.Request(db, task, $"canceled by {stamp.Actor.Subject}", stamp);
            return true;
        });
        return found ? TypedResults.Ok<object>(new { }) : NotFound(id);
    }

    private static async Task<Results<JsonHttpResult<TaskRouted>, ProblemHttpResult>> Decision(
        string id, ComputeDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var task = await Visible(db, user).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return task?.Decision is { } decision
            ? TypedResults.Json(JsonSerializer.Deserialize<TaskRouted>(decision, TaskLifecycle.Json)!, TaskLifecycle.Json)
            : NotFound(id);
    }

    private enum View { Minimal, Basic, Full }

    private static View? ParseView(string? view) => view switch
    {
        null or "MINIMAL" => View.Minimal,
        "BASIC" => View.Basic,
        "FULL" => View.Full,
        _ => null,
    };

    private static ValidationProblem BadView() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["view"] = ["MINIMAL, BASIC or FULL."] }, type: ProblemTypes.Validation);

    /// <summary>TES views: MINIMAL is id and state; BASIC leaves out executor output, system logs and inline input contents; FULL is all.</summary>
    private static TesTask Render(TaskRecord task, View view)
    {
        if (view == View.Minimal)
            return new TesTask(task.Id, task.State, null, null, null, null, null, null, null, null, null, null);
        var document = JsonSerializer.Deserialize<TesTask>(task.Document, TaskLifecycle.Json)!;
        var logs = TaskLifecycle.Logs(task);
        if (view == View.Basic)
        {
            document = document with { Inputs = document.Inputs?.Select(i => i with { Content = null }).ToList() };
            logs = logs.Select(l => l with { SystemLogs = null, Logs = l.Logs.Select(e => e with { Stdout = null, Stderr = null }).ToList() }).ToList();
        }
        return document with { Id = task.Id, State = task.State, Logs = logs, CreationTime = task.CreatedAt.AsUtc() };
    }

    private static bool IsAdmin(ClaimsPrincipal user) => user.FindFirst(FederationClaims.Role)?.Value == FederationRoles.PlatformAdmin;

    private static IQueryable<TaskRecord> Visible(ComputeDbContext db, ClaimsPrincipal user)
    {
        var subject = user.FindFirst(FederationClaims.Subject)?.Value ?? "";
        var tasks = db.Tasks.AsNoTracking();
        return IsAdmin(user) ? tasks : tasks.Where(t => t.Owner == subject);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such task", detail: $"There is no task '{id}' of yours.");
}
