namespace Federation.ServiceDefaults.Domain;

/// <summary>
/// Something this service relies on outside its own database (the broker's management API, a partner) failed,
/// and nothing was changed: APIs answer 503 with the message, and the caller may try again.
/// </summary>
public sealed class DependencyUnavailableException(string detail) : Exception(detail);
