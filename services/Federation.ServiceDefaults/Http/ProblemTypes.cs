namespace Federation.ServiceDefaults.Http;

/// <summary>Stable ProblemDetails <c>type</c> values, one per kind of error, so clients can branch on them.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:federation:problem:";

    public const string Validation = Prefix + "validation";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string BodyTooLarge = Prefix + "body-too-large";
    public const string NotFound = Prefix + "not-found";
    public const string Conflict = Prefix + "conflict";
    public const string InvalidTransition = Prefix + "invalid-transition";
    public const string ConcurrentChange = Prefix + "concurrent-change";
    public const string Unavailable = Prefix + "unavailable";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string Unexpected = Prefix + "unexpected";

    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        409 => Conflict,
        413 => BodyTooLarge,
        503 => Unavailable,
        >= 500 => Unexpected,
        _ => Prefix + status,
    };
}
