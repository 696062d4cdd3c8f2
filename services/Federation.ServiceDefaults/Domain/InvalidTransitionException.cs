namespace Federation.ServiceDefaults.Domain;

/// <summary>
/// An action that the aggregate's current state does not allow. APIs answer it with a 409
/// ProblemDetails that names the current state and the actions that are allowed from it.
/// </summary>
public sealed class InvalidTransitionException(string aggregate, string state, string action, IReadOnlyList<string> allowed)
    : Exception($"Cannot {action} this {aggregate}: it is {state}. Allowed from {state}: {(allowed.Count == 0 ? "nothing" : string.Join(", ", allowed))}.")
{
    public string State { get; } = state;

    public string Action { get; } = action;

    public IReadOnlyList<string> Allowed { get; } = allowed;
}
