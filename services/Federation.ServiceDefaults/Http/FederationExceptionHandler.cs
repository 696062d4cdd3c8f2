using System.Data.Common;
using System.Text.Json;
using Federation.ServiceDefaults.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.ServiceDefaults.Http;

/// <summary>
/// Turns every exception that escapes an endpoint into a ProblemDetails without internals: bad input
/// is a 4xx with a useful sentence, a store that is down is a 503, and only a bug is a 500.
/// </summary>
internal sealed class FederationExceptionHandler(IProblemDetailsService problems, ILogger<FederationExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, type, title, detail) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
            // A dependency that is down is an operational state, not a bug: one line, no stack trace.
            log.LogWarning("Request {Method} {Path} unavailable: {Error}", http.Request.Method, http.Request.Path, exception.Message);
        else if (status >= 500)
            log.LogError(exception, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path);
        else
            log.LogInformation("Request {Method} {Path} refused: {Detail}", http.Request.Method, http.Request.Path, detail);

        if (http.Response.HasStarted)
            return false;

        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = "1";

        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (exception is InvalidTransitionException transition)
        {
            problem.Extensions["state"] = transition.State;
            problem.Extensions["allowed"] = transition.Allowed;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    private static (int Status, string Type, string Title, string? Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, ProblemTypes.BodyTooLarge, "Request body too large", "The request body exceeds the size this API accepts."),
        BadHttpRequestException bad =>
            (bad.StatusCode, ProblemTypes.MalformedRequest, "Malformed request", Describe(bad)),
        InvalidTransitionException transition =>
            (409, ProblemTypes.InvalidTransition, "Transition not allowed", transition.Message),
        ConflictException conflict =>
            (409, ProblemTypes.Conflict, conflict.Title, conflict.Message),
        DependencyUnavailableException unavailable =>
            (503, ProblemTypes.Unavailable, "Temporarily unavailable", unavailable.Message),
        DbUpdateConcurrencyException =>
            (409, ProblemTypes.ConcurrentChange, "Concurrent change", "The resource was changed by someone else meanwhile; read it again and retry."),
        TimeoutException or DbException { IsTransient: true } or OperationCanceledException when !IsClientAbort(exception) =>
            (503, ProblemTypes.Unavailable, "Temporarily unavailable", "A backing store did not answer in time; retry shortly."),
        DbException or DbUpdateException =>
            (503, ProblemTypes.Unavailable, "Temporarily unavailable", "The service's database refused the change; retry shortly."),
        _ => (500, ProblemTypes.Unexpected, "Unexpected error", "The server failed to handle the request; the trace id identifies it in the logs."),
    };

    private static bool IsClientAbort(Exception e) => e is OperationCanceledException oce && oce.CancellationToken.IsCancellationRequested;

    // A JSON reader's message names the offending path and position, which helps the caller and reveals nothing internal.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json ? $"The request body is not valid JSON for this endpoint: {json.Message}" : bad.Message;
}
