namespace Federation.ServiceDefaults.Domain;

/// <summary>
/// An action the aggregate's state allows in general but not in this case (already voted, a check still
/// pending, …). APIs answer it with a 409 ProblemDetails carrying <see cref="Title"/> and the message.
/// </summary>
public sealed class ConflictException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}
